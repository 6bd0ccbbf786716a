"""Timing, FLOP counting and peak memory shared by the benchmark tools."""
import argparse
import os
import resource
import statistics
import time
from typing import Callable, List, Sequence

import torch
from torch.utils.flop_counter import FlopCounterMode


def paired_times(fns: Sequence[Callable[[], object]], warmup: int,
                 repeats: int, device: torch.device) -> List[List[float]]:
    """Wall times (s) of each of ``fns`` in ``repeats`` rounds after
    ``warmup`` untimed ones, the calls run in turn in every round.

    Interleaving keeps load from other processes from favouring one model;
    on CUDA the device is synchronised around each call.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f'need repeats >= 1 and warmup >= 0, got repeats '
                         f'{repeats} and warmup {warmup}')
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
    return times


def paired_medians(fns: Sequence[Callable[[], object]], warmup: int,
                   repeats: int, device: torch.device) -> List[float]:
    """Median wall time of each of ``fns`` (see :func:`paired_times`)."""
    return [
        statistics.median(fn_times)
        for fn_times in paired_times(fns, warmup, repeats, device)
    ]


def gflops(fn: Callable[[], object]) -> float:
    """FLOPs of one call (matmuls, convolutions, attention), in G."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / 1e9


def peak_memory_mib(device: torch.device) -> float:
    """Peak memory so far, in MiB: on CUDA the tensors allocated on
    ``device`` (since the last ``torch.cuda.reset_peak_memory_stats``), on
    CPU this process's resident set (Linux reports it in KiB)."""
    if device.type == 'cuda':
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


def add_timing_args(parser: argparse.ArgumentParser) -> None:
    """Options every benchmark takes: batch size, rounds, threads and
    device."""
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed rounds first')
    parser.add_argument('--repeat', type=int, default=5, help='timed rounds')
    parser.add_argument(
        '--threads',
        type=int,
        default=os.cpu_count(),
        help='torch CPU threads (default: all cores)')
    parser.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
