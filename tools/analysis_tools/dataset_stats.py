"""Count what a grounding dataset holds, split by split.

Per split: samples (= sentences or phrases), refs, images, the share of
no-target samples, mean expression length and a histogram of expression
lengths in words. Compare the counts with docs/dataset_prepare.md to check a
download. No image is read.

Examples::

    # the train/val/test datasets of a config (ConcatDataset: each source)
    python tools/analysis_tools/dataset_stats.py \
        configs/_base_/datasets/refcoco.py
    # refer files directly (a .json split file is read as gRefCOCO)
    python tools/analysis_tools/dataset_stats.py --data-root data/ \
        --ann-file refcoco/instances.json --split-file 'refcoco/refs(unc).p' \
        --splits train val testA testB
"""
import argparse
import copy
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from mmengine.config import DictAction
from mmengine.registry import DefaultScope

import mmvg.datasets  # noqa: F401 (registers the datasets)
from mmvg.registry import DATASETS
from mmvg.utils.tool_config import load_config

# Expression lengths in words: 1, 2, 3-4, 5-8, 9-16, 17-32, >32.
LENGTH_EDGES = (1, 2, 3, 5, 9, 17, 33)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Count refs, sentences, images and no-target samples '
        'per split of grounding datasets.')
    parser.add_argument('config', nargs='?', help='a dataset or model config')
    parser.add_argument(
        '--dataloaders',
        nargs='+',
        default=['train', 'val', 'test'],
        help='which <name>_dataloader of the config to count')
    parser.add_argument('--data-root', help='override every data_root')
    parser.add_argument('--ann-file', help='instances.json (no config)')
    parser.add_argument(
        '--split-file', help='refs(*).p or grefs(*).json (no config)')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'val', 'test'],
        help='splits of --split-file to count')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    args = parser.parse_args(argv)
    if not args.config and not (args.ann_file and args.split_file):
        parser.error('give a config, or --ann-file and --split-file')
    return args


def length_histogram(lengths: Iterable[int]) -> Dict[str, int]:
    """Count lengths into the ``LENGTH_EDGES`` bins, labelled ``'3-4'``,
    ``'>32'`` and the like."""
    labels = []
    for low, high in zip(LENGTH_EDGES, LENGTH_EDGES[1:]):
        labels.append(str(low) if high == low + 1 else f'{low}-{high - 1}')
    labels.append(f'>{LENGTH_EDGES[-1] - 1}')
    counts = dict.fromkeys(labels, 0)
    for length in lengths:
        index = sum(length >= edge for edge in LENGTH_EDGES[1:])
        counts[labels[index]] += 1
    return counts


def collect_stats(samples: Sequence[dict]) -> dict:
    """Counts over ``data_list`` entries (see ``BaseGroundingDataset``)."""
    lengths = [len(sample['text'].split()) for sample in samples]
    num_no_target = sum(bool(sample['no_target']) for sample in samples)
    return dict(
        samples=len(samples),
        refs=len({sample['ref_id']
                  for sample in samples}),
        images=len({sample['img_path']
                    for sample in samples}),
        no_target_share=num_no_target / max(len(samples), 1),
        mean_words=sum(lengths) / max(len(lengths), 1),
        length_histogram=length_histogram(lengths))


def format_stats(name: str, stats: dict) -> str:
    """One block of text for one dataset split."""
    histogram = ', '.join(
        f'{label}: {count}'
        for label, count in stats['length_histogram'].items())
    return (f'{name}\n'
            f'  samples {stats["samples"]:,}  refs {stats["refs"]:,}  '
            f'images {stats["images"]:,}  '
            f'no-target {100 * stats["no_target_share"]:.2f}%  '
            f'mean words {stats["mean_words"]:.2f}\n'
            f'  words per expression: {histogram}')


def _leaf_configs(dataset_cfg: dict) -> List[dict]:
    """The dataset configs inside (possibly nested) ``ConcatDataset``s."""
    if dataset_cfg.get('type') == 'ConcatDataset':
        return [
            leaf for part in dataset_cfg['datasets']
            for leaf in _leaf_configs(part)
        ]
    return [dataset_cfg]


def dataset_configs(args: argparse.Namespace) -> List[Tuple[str, dict]]:
    """(name, dataset config) pairs to count, from a config or from the
    refer files given on the command line."""
    if not args.config:
        dataset_type = 'GRefCOCODataset' if args.split_file.endswith(
            '.json') else 'RefCOCODataset'
        return [(f'{args.split_file} [{split}]',
                 dict(
                     type=dataset_type,
                     data_root=args.data_root or '',
                     ann_file=args.ann_file,
                     split_file=args.split_file,
                     split=split,
                     data_prefix=dict(img_path=''))) for split in args.splits]
    cfg = load_config(args.config, args.cfg_options)
    pairs = []
    for loader in args.dataloaders:
        for leaf in _leaf_configs(cfg[f'{loader}_dataloader']['dataset']):
            leaf = copy.deepcopy(leaf)
            if args.data_root:
                leaf['data_root'] = args.data_root
            where = leaf.get('split_file') or leaf.get('ann_file')
            split = f' [{leaf["split"]}]' if 'split' in leaf else ''
            parts = (f'{loader}:', leaf.get('dataset_name'), where + split)
            pairs.append((' '.join(part for part in parts if part), leaf))
    return pairs


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    for name, dataset_cfg in dataset_configs(args):
        # no pipeline: only the annotation files are read
        dataset_cfg.update(pipeline=[], serialize_data=False)
        with DefaultScope.overwrite_default_scope('mmvg'):
            dataset = DATASETS.build(dataset_cfg)
        print(format_stats(name, collect_stats(dataset.data_list)))


if __name__ == '__main__':
    main()
