"""Save pictures of dataset samples after the pipeline: boxes, masks and the
expression, to check annotations and transforms by eye.

    python tools/analysis_tools/browse_dataset.py CONFIG --output-dir OUT
"""
import argparse
import os.path as osp

import mmcv
from mmengine.config import DictAction
from mmengine.utils import ProgressBar, mkdir_or_exist

from mmvg.registry import DATASETS, VISUALIZERS
from mmvg.utils import register_all_modules
from mmvg.utils.tool_config import load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument(
        '--output-dir', required=True, help='folder for the pictures')
    parser.add_argument(
        '--dataloader',
        default='train_dataloader',
        help='which dataloader of the config to browse')
    parser.add_argument(
        '--max-samples',
        type=int,
        default=50,
        help='how many samples to draw (from the start)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    dataset = DATASETS.build(cfg[args.dataloader].dataset)
    visualizer = VISUALIZERS.build(cfg.visualizer)
    mkdir_or_exist(args.output_dir)
    count = min(args.max_samples, len(dataset))
    progress = ProgressBar(count)
    for i in range(count):
        item = dataset[i]
        sample = item['data_samples']
        # packed images are CHW in the loader's channel order (BGR)
        image = mmcv.bgr2rgb(item['inputs'].permute(1, 2, 0).numpy())
        stem = osp.splitext(osp.basename(sample.img_path))[0]
        name = f'{stem}_{sample.get("ref_id")}_{sample.get("sent_id")}.jpg'
        visualizer.add_datasample(
            name,
            image,
            data_sample=sample,
            draw_pred=False,
            out_file=osp.join(args.output_dir, name))
        progress.update()
    print(f'\n{count} pictures written to {args.output_dir}')


if __name__ == '__main__':
    main()
