"""mmvg.utils.benchmark: times of interleaved rounds, FLOP counts and peak
memory, checked against a scripted clock, hand-counted FLOPs and a
scripted resource report."""
import argparse
from types import SimpleNamespace
from typing import Callable, List

import pytest
import torch
from torch import nn

from mmvg.utils import benchmark
from mmvg.utils.benchmark import (add_timing_args, gflops, paired_medians,
                                  paired_times, peak_memory_mib)


def scripted(monkeypatch, durations: List[float]) -> Callable:
    """A clock that advances only inside the timed calls, by
    ``durations`` in turn; returns a maker of named calls that log their
    order into ``maker.order``."""
    now = [0.]
    durations = iter(durations)
    monkeypatch.setattr(benchmark.time, 'perf_counter', lambda: now[0])

    def make(name: str) -> Callable[[], None]:

        def fn() -> None:
            make.order.append(name)
            now[0] += next(durations)

        return fn

    make.order = []
    return make


def test_paired_times_interleave_and_drop_the_warmup(monkeypatch):
    make = scripted(monkeypatch, [9., 9., 1., 10., 3., 20., 2., 30.])
    times = paired_times([make('a'), make('b')],
                         warmup=1,
                         repeats=3,
                         device=torch.device('cpu'))
    assert make.order == ['a', 'b'] * 4
    # the warm-up round (9, 9) is dropped
    assert times == [[1., 3., 2.], [10., 20., 30.]]


def test_paired_medians_are_the_medians_of_the_rounds(monkeypatch):
    make = scripted(monkeypatch, [9., 9., 1., 10., 3., 20., 2., 30.])
    assert paired_medians([make('a'), make('b')],
                          warmup=1,
                          repeats=3,
                          device=torch.device('cpu')) == [2., 20.]


@pytest.mark.parametrize('warmup, repeats', [(0, 0), (-1, 3)])
def test_paired_times_refuse_empty_or_negative_rounds(warmup, repeats):
    with pytest.raises(
            ValueError, match=f'repeats {repeats} and warmup '
            f'{warmup}'):
        paired_times([lambda: None], warmup, repeats, torch.device('cpu'))


def test_gflops_equals_a_hand_count():
    """2 FLOPs per multiply-add: a (4, 8) x (8, 16) matmul and a 3x3 conv
    from 2 to 5 channels over a 6x6 output map."""
    linear = nn.Linear(8, 16)
    conv = nn.Conv2d(2, 5, 3, padding=1)
    with torch.no_grad():
        assert gflops(lambda: linear(torch.randn(4, 8))) == \
            2 * 4 * 8 * 16 / 1e9
        assert gflops(lambda: conv(torch.randn(1, 2, 6, 6))) == \
            2 * 6 * 6 * 5 * 2 * 3 * 3 / 1e9


def test_cpu_peak_memory_is_the_peak_resident_set_in_mib(monkeypatch):
    """Linux reports ``ru_maxrss`` in KiB."""
    calls = []

    def getrusage(who):
        calls.append(who)
        return SimpleNamespace(ru_maxrss=3 * 1024)

    monkeypatch.setattr(benchmark.resource, 'getrusage', getrusage)
    assert peak_memory_mib(torch.device('cpu')) == 3.
    assert calls == [benchmark.resource.RUSAGE_SELF]


def test_timing_args_defaults_and_device_choices():
    parser = argparse.ArgumentParser()
    add_timing_args(parser)
    args = parser.parse_args([])
    assert (args.batch_size, args.warmup, args.repeat,
            args.device) == (1, 2, 5, 'cpu')
    args = parser.parse_args(
        ['--batch-size', '8', '--repeat', '3', '--threads', '1'])
    assert (args.batch_size, args.repeat, args.threads) == (8, 3, 1)
    with pytest.raises(SystemExit):
        parser.parse_args(['--device', 'tpu'])
