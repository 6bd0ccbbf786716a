"""Accuracy of a text-blind oracle that picks a random annotated object.

For every sample of the config's test split, the expected Acc@0.5 of a
perfect detector that ignores the expression is the share of the image's
annotated objects whose box has IoU >= 0.5 with the target. Printed overall
and per expression kind, as the floor beside a grounder's accuracy.

    python tools/analysis_tools/random_object_floor.py CONFIG
"""
import argparse
from collections import defaultdict

import numpy as np
import torch
from mmdet.structures.bbox import bbox_overlaps
from mmengine.config import DictAction
from pycocotools.coco import COCO

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


def random_object_floor(dataset) -> dict:
    """Expected Acc@0.5 of a random-object pick, overall and per kind."""
    coco = COCO(dataset.ann_file)
    scores = defaultdict(list)
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        target = torch.tensor([info['instances'][0]['bbox']])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=info['img_id']))
        boxes = torch.tensor([[x, y, x + w, y + h]
                              for x, y, w, h in (a['bbox'] for a in anns)])
        hit = (bbox_overlaps(boxes, target)[:, 0] >= 0.5).float().mean()
        scores['all'].append(float(hit))
        if 'expr_kind' in info:
            scores[info['expr_kind']].append(float(hit))
    return {kind: float(np.mean(v)) for kind, v in scores.items()}


def main() -> None:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    dataset = DATASETS.build(cfg[args.dataloader].dataset)
    for kind, value in sorted(random_object_floor(dataset).items()):
        print(f'random-object floor Acc@0.5/{kind}: {value:.4f}')


if __name__ == '__main__':
    main()
