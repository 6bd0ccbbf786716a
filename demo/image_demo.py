"""Ground an expression in an image and save a picture of the result.

    python demo/image_demo.py IMAGE "the red circle" CONFIG CHECKPOINT \
        --out-file result.jpg
"""
import argparse

import mmcv

from mmvg.apis import GroundingInferencer
from mmvg.registry import VISUALIZERS
from mmvg.utils.tool_config import add_no_strict_arg


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image', help='image file')
    parser.add_argument('text', help='referring expression')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-file', default='result.jpg')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.3,
        help='also draw boxes above this score (the top one '
        'is always drawn)')
    add_no_strict_arg(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    inferencer = GroundingInferencer(
        args.config, args.checkpoint, args.device, strict=not args.no_strict)
    result = inferencer(args.image, args.text)[0]
    pred = result.pred_instances
    for box, score in zip(pred.bboxes.tolist(), pred.scores.tolist()):
        print(f'box {[round(v, 1) for v in box]} score {score:.3f}')
    visualizer = VISUALIZERS.build(
        dict(type='GroundingVisualizer', name='demo'))
    image = mmcv.imread(args.image, channel_order='rgb')
    visualizer.add_datasample(
        'demo',
        image,
        result,
        draw_gt=False,
        pred_score_thr=args.score_thr,
        out_file=args.out_file)
    print(f'saved {args.out_file}')


if __name__ == '__main__':
    main()
