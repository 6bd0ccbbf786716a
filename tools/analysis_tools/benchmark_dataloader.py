"""Samples/s of a config's training data pipeline per number of workers.

Builds ``train_dataloader`` of the config for each ``--num-workers`` and
times ``--batches`` batches after the first (which starts the workers):
images read from disk and decoded, the pipeline's augmentation, packing
and collation. Processes are set up as the Runner sets them up for
training (the config's ``env_cfg.mp_cfg``: start method, OpenCV threads);
the main process, which runs the pipeline when there are no workers, uses
``--threads`` torch threads (default 1, as PyTorch gives each worker).
The synthetic configs read the built-in synthetic set; make it first with
``python tools/dataset_converters/make_synthetic_refs.py data/synthetic``.

Example::

    python tools/analysis_tools/benchmark_dataloader.py \\
        configs/synthetic/transvg_tiny_synthetic.py --num-workers 0 1 2
"""
import argparse
from typing import List, Optional

import torch
from mmengine.config import DictAction
from mmengine.utils.dl_utils import set_multi_processing

from mmvg.utils import register_all_modules
from mmvg.utils.dataloader_benchmark import LoaderRate, loader_rate
from mmvg.utils.tool_config import load_config


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--num-workers',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='worker counts to time')
    parser.add_argument(
        '--batches', type=int, default=20, help='timed batches per count')
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='torch threads of the main process')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. train_dataloader.batch_size=8')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> List[LoaderRate]:
    args = parse_args(argv)
    register_all_modules()
    torch.set_num_threads(args.threads)
    cfg = load_config(args.config, args.cfg_options)
    set_multi_processing(**cfg.get('env_cfg', {}).get('mp_cfg', {}))
    loader = cfg.train_dataloader
    print(f'{args.config}: train_dataloader, batch size '
          f'{loader.batch_size}, {args.batches} timed batches after 1 '
          f'untimed, main process torch threads: {torch.get_num_threads()}')
    print(f'{"workers":>7} {"samples":>8} {"seconds":>8} {"samples/s":>10}')
    rates = []
    for num_workers in args.num_workers:
        rate = loader_rate(loader, num_workers, args.batches)
        rates.append(rate)
        print(f'{num_workers:>7} {rate.samples:>8} {rate.seconds:>8.2f} '
              f'{rate.samples_per_s:>10.1f}')
    return rates


if __name__ == '__main__':
    main()
