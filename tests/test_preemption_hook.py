"""PreemptionHook: a signal stops training after the current iteration
with an iteration checkpoint and TrainingPreempted."""
import os.path as osp
import signal

import pytest
from mmengine.hooks import Hook
from utils_runner import toy_runner

from mmvg.engine import PREEMPTED_EXIT_CODE, PreemptionHook, TrainingPreempted

SIGNALS = (signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2)


@pytest.fixture(autouse=True)
def keep_handlers():
    """The handlers of this process stay as they were."""
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


class SignalAt(Hook):
    """Send ``signum`` to this process during iteration ``iteration``."""

    def __init__(self, iteration: int, signum: int) -> None:
        self.iteration, self.signum = iteration, signum

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter + 1 == self.iteration:
            signal.raise_signal(self.signum)


def preempted_runner(work_dir: str, **kwargs):
    return toy_runner(
        work_dir,
        custom_hooks=[SignalAt(5, signal.SIGUSR1)],
        default_hooks=dict(preemption=dict(type='PreemptionHook')),
        **kwargs)


def test_signal_saves_that_iteration_and_stops(tmp_path):
    full = toy_runner(str(tmp_path / 'full'))
    full.train()
    work_dir = str(tmp_path / 'part')
    runner = preempted_runner(work_dir)
    with pytest.raises(TrainingPreempted, match='after iteration 5') as info:
        runner.train()
    assert info.value.exit_code == PREEMPTED_EXIT_CODE == 75
    assert info.value.checkpoint == osp.join(work_dir, 'iter_5.pth')
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == info.value.checkpoint
    assert runner.model.trained == full.model.trained[:5]
    hook = next(h for h in runner.hooks if isinstance(h, PreemptionHook))
    assert signal.getsignal(signal.SIGUSR1) != hook._request  # restored

    resumed = toy_runner(
        work_dir, load_from=info.value.checkpoint, resume=True)
    resumed.train()
    assert resumed.model.trained == full.model.trained[5:]


def test_only_the_configured_signals_are_taken(tmp_path):
    hook = PreemptionHook(signals=['SIGUSR2'], exit_code=3)
    runner = toy_runner(str(tmp_path), custom_hooks=[hook])
    before = signal.getsignal(signal.SIGTERM)
    hook.before_train(runner)
    assert signal.getsignal(signal.SIGUSR2) == hook._request
    assert signal.getsignal(signal.SIGTERM) == before
    hook.after_train(runner)
    assert signal.getsignal(signal.SIGUSR2) != hook._request


def test_needs_the_resumable_checkpoint_hook(tmp_path):
    runner = preempted_runner(
        str(tmp_path), checkpoint=dict(type='CheckpointHook'))
    with pytest.raises(TypeError, match='ResumableCheckpointHook'):
        runner.train()
