"""mmvg.utils.benchmark: medians of interleaved rounds and FLOP counts,
checked against a scripted clock and hand-counted FLOPs."""
from typing import Callable, List

import torch
from torch import nn

from mmvg.utils import benchmark
from mmvg.utils.benchmark import gflops, paired_medians


def test_paired_medians_interleaves_and_drops_the_warmup(monkeypatch):
    """The clock only advances inside the timed calls, by scripted
    durations, so each median is known exactly."""
    now = [0.]
    order: List[str] = []
    durations = iter([9., 9., 1., 10., 3., 20., 2., 30.])

    def make(name: str) -> Callable[[], None]:

        def fn() -> None:
            order.append(name)
            now[0] += next(durations)

        return fn

    monkeypatch.setattr(benchmark.time, 'perf_counter', lambda: now[0])
    medians = paired_medians([make('a'), make('b')],
                             warmup=1,
                             repeats=3,
                             device=torch.device('cpu'))
    assert order == ['a', 'b'] * 4
    # the warm-up round (9, 9) is dropped: a took 1, 3, 2 and b 10, 20, 30
    assert medians == [2., 20.]


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
