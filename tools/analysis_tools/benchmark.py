"""Inference cost of any mmvg config: latency, throughput, memory, FLOPs.

Builds the config's model (random weights unless ``--checkpoint``; its
``init_cfg`` is not applied), makes a batch of ``--batch-size`` random
images of the test pipeline's input size (or ``--size H W``), each with the
same 8-word expression, and times ``model.test_step`` on it (the data
preprocessor and the tokenizer included, the data pipeline not) over
``--repeat`` rounds after ``--warmup`` ones. It reports the median and p90
latency, expressions/s, peak memory (CPU: the process's peak resident set;
CUDA: the peak of allocated tensors), parameters, and FLOPs per batch
(``torch.utils.flop_counter``: matmuls, convolutions, attention) with the
GFLOP/s they make at the median latency.

Text files a config names but this machine lacks stand in as follows (the
cost depends on the number of tokens, not on the words): a BEiT-3
sentencepiece model (``spm_path``) or a WordPiece ``vocab_file`` by ones
of the synthetic set's vocabulary; a hub text encoder not in the local
cache (``name_or_path='bert-base-uncased'``) by a random one of
transformers' default configuration for its model type (for BERT that is
bert-base's architecture and vocabulary size). The report lists them.

Example::

    python tools/analysis_tools/benchmark.py \\
        configs/simvg/simvg_vit-b32_1x_refcoco.py --batch-size 8
    python tools/analysis_tools/benchmark.py CONFIG --device cuda --amp \\
        --out result.json
"""
import argparse
import json
from typing import List, Optional

import torch
from mmengine.config import DictAction

from mmvg.utils.benchmark import add_timing_args
from mmvg.utils.model_benchmark import benchmark_config
from mmvg.utils.tool_config import load_config


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--checkpoint', help='weights (default: random)')
    add_timing_args(parser)
    parser.add_argument(
        '--amp', action='store_true', help='run under torch.autocast')
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='input size (default: the test pipeline\'s Resize scale)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. model.bbox_head.test_branch=tb')
    parser.add_argument('--out', help='also write the report to this JSON')
    return parser.parse_args(argv)


def format_report(report: dict) -> List[str]:
    """The report as a two-column table."""
    memory = 'CUDA tensors allocated' if report['device'].startswith(
        'cuda') else 'CPU peak RSS of the process'
    rows = [
        ('config', report['config']),
        ('device', f'{report["device"]}, torch threads: {report["threads"]}'
         f'{", amp" if report["amp"] else ""}'),
        ('batch', f'{report["batch_size"]} x {report["input_size"][0]}x'
         f'{report["input_size"][1]}, "{report["expression"]}"'),
        *(('stand-in', note) for note in report['stand_ins']),
        ('latency', f'median {report["latency_ms"]:.1f} ms, p90 '
         f'{report["latency_p90_ms"]:.1f} ms ({report["repeat"]} timed '
         f'rounds after {report["warmup"]} warm-up)'),
        ('throughput', f'{report["expressions_per_s"]:.2f} expressions/s'),
        ('peak memory', f'{report["peak_memory_mib"]:.0f} MiB ({memory})'),
        ('parameters', f'{report["parameters"] / 1e6:.2f}M'),
        ('FLOPs', f'{report["gflops"]:.4g} G per batch, '
         f'{report["gflops_per_s"]:.1f} GFLOP/s'),
    ]
    return [f'{name:<12} {value}' for name, value in rows]


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = load_config(args.config, args.cfg_options)
    report = dict(
        config=args.config,
        **benchmark_config(
            cfg,
            batch_size=args.batch_size,
            size=args.size,
            checkpoint=args.checkpoint,
            device=args.device,
            warmup=args.warmup,
            repeat=args.repeat,
            amp=args.amp))
    print('\n'.join(format_report(report)))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=2)
    return report


if __name__ == '__main__':
    main()
