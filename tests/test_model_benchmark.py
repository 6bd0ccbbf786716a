"""mmvg.utils.model_benchmark.measure: a model of one nn.Linear has the
hand-counted parameters and FLOPs, and the latency figures come from the
timed rounds (scripted clock)."""
import pytest
import torch
from torch import nn

from mmvg.utils import benchmark
from mmvg.utils.model_benchmark import measure

IN, OUT, BATCH = 8, 16, 4


def test_one_linear_layer_is_counted_and_timed_exactly(monkeypatch):
    model = nn.Linear(IN, OUT)
    x = torch.randn(BATCH, IN)
    # each call of the step takes the next duration (s) of the clock: the
    # FLOP count's call (untimed), the warm-up round, the 5 timed rounds
    durations = iter([7., 9., 1., 5., 2., 4., 3.])
    now = [0.]
    steps = []

    def step() -> None:
        assert not torch.is_grad_enabled()
        steps.append(model(x))
        now[0] += next(durations)

    monkeypatch.setattr(benchmark.time, 'perf_counter', lambda: now[0])
    result = measure(
        model, step, BATCH, torch.device('cpu'), warmup=1, repeat=5)
    assert len(steps) == 1 + 1 + 5
    assert result.parameters == IN * OUT + OUT
    assert result.gflops == 2 * IN * OUT * BATCH / 1e9
    # timed rounds 1, 5, 2, 4, 3 s (9 s was the warm-up): median 3 s,
    # p90 between 4 and 5 s at 0.6 (numpy's linear interpolation)
    assert result.latency_ms == 3e3
    assert result.latency_p90_ms == pytest.approx(4.6e3)
    assert result.expressions_per_s == BATCH / 3.
    assert result.gflops_per_s == result.gflops / 3.
    assert result.batch_size == BATCH
    assert result.peak_memory_mib > 0


def test_amp_runs_the_step_under_autocast():
    dtypes = []
    model = nn.Linear(IN, OUT)
    x = torch.randn(BATCH, IN)
    measure(
        model,
        lambda: dtypes.append(model(x).dtype),
        BATCH,
        torch.device('cpu'),
        warmup=0,
        repeat=1,
        amp=True)
    assert dtypes == [torch.bfloat16] * 2
