"""Accuracy of a text-blind oracle that picks a random annotated object.

For every sample of the config's test split, the expected Acc@0.5 of a
perfect detector that ignores the expression is the share of the image's
annotated objects whose box has IoU >= 0.5 with the target. Printed overall
and per expression kind, as the floor beside a grounder's accuracy.

    python tools/analysis_tools/random_object_floor.py CONFIG
"""
import argparse

from mmengine.config import DictAction

from mmvg.evaluation.functional import random_object_floor
from mmvg.registry import DATASETS
from mmvg.utils import register_all_modules
from mmvg.utils.tool_config import load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument(
        '--dataloader',
        default='test_dataloader',
        help='which dataloader of the config to score')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    dataset = DATASETS.build(cfg[args.dataloader].dataset)
    for kind, value in sorted(random_object_floor(dataset).items()):
        print(f'random-object floor Acc@0.5/{kind}: {value:.4f}')


if __name__ == '__main__':
    main()
