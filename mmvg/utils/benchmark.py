"""Timing and FLOP counting shared by the benchmark scripts."""
import argparse
import os
import statistics
import time
from typing import Callable, List, Sequence

import torch
from torch.utils.flop_counter import FlopCounterMode


def paired_medians(fns: Sequence[Callable[[], object]], warmup: int,
                   repeats: int, device: torch.device) -> List[float]:
    """Median wall time of each of ``fns``, run in turn in every round.

    Interleaving keeps load from other processes from favouring one model.
    """
    times = [[] for _ in fns]
    for round_idx in range(warmup + repeats):
        for fn, fn_times in zip(fns, times):
            if device.type == 'cuda':
                torch.cuda.synchronize(device)
            start = time.perf_counter()
            fn()
            if device.type == 'cuda':
                torch.cuda.synchronize(device)
            if round_idx >= warmup:
                fn_times.append(time.perf_counter() - start)
    return [statistics.median(fn_times) for fn_times in times]


def gflops(fn: Callable[[], object]) -> float:
    """FLOPs of one call (matmuls, convolutions, attention), in G."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / 1e9


def add_timing_args(parser: argparse.ArgumentParser) -> None:
    """Options every benchmark takes: batch sizes, rounds, threads and
    device."""
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument(
        '--threads',
        type=int,
        default=os.cpu_count(),
        help='torch CPU threads (default: all cores)')
    parser.add_argument('--device', default='cpu')
