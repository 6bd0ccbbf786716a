"""Generate the built-in synthetic grounding dataset in the RefCOCO formats.

Writes ``OUT/images/*.png`` and ``OUT/synthetic/{instances.json,
refs(unc).p, grefs(unc).json, vocab.txt}``; the same arguments always give
the same bytes.

Example::

    python tools/dataset_converters/make_synthetic_refs.py data/synthetic \
        --num-images 2500 --seed 0
"""
import argparse
from typing import Any, Dict, Optional, Sequence

from mmvg.datasets.synthetic import make_synthetic_dataset

SPLITS = ('train', 'val', 'testA', 'testB')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate a synthetic grounding dataset (refer pickle, '
        'COCO instances, gRefCOCO json, BERT vocab, PNG images).')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--num-images',
        type=int,
        required=True,
        help='number of images (at least 4)')
    parser.add_argument('--seed', type=int, required=True, help='random seed')
    parser.add_argument(
        '--image-size',
        type=int,
        default=128,
        help='largest image side; sides are drawn in '
        '[0.75, 1] x this')
    return parser.parse_args(argv)


def format_summary(counts: Dict[str, Any]) -> str:
    """A small table of images, refs and sentences per split and kind."""
    lines = [f'{"":<30}' + ''.join(f'{s:>8}' for s in SPLITS)]
    lines.append(f'{"images":<30}' + ''.join(f'{counts["images"].get(s, 0):>8}'
                                             for s in SPLITS))
    for name, part in (('refs(unc).p', counts['rec']), ('grefs(unc).json',
                                                        counts['grec'])):
        for key in ('refs', 'sentences'):
            lines.append(f'{name + " " + key:<30}' +
                         ''.join(f'{part[key].get(s, 0):>8}' for s in SPLITS))
        lines.append(f'{name + " refs per kind":<30}' +
                     ', '.join(f'{k}: {n}' for k, n in part['kinds'].items()))
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    counts = make_synthetic_dataset(args.out_dir, args.num_images, args.seed,
                                    args.image_size)
    print(format_summary(counts))


if __name__ == '__main__':
    main()
