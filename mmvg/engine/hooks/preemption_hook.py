"""Stop training cleanly when the cluster asks for the machine back."""
import signal
from typing import Sequence

import torch
from mmengine.dist import all_reduce, barrier
from mmengine.hooks import Hook

from mmvg.registry import HOOKS
from ..resumable_train_loop import check_resumable_loop
from .resumable_checkpoint_hook import ResumableCheckpointHook

# EX_TEMPFAIL of sysexits.h: "temporary failure, try again", i.e. requeue.
PREEMPTED_EXIT_CODE = 75


class TrainingPreempted(Exception):
    """Raised out of ``runner.train()`` after the preemption checkpoint is
    written; ``tools/train.py`` turns it into exit code :attr:`exit_code`.
    """

    def __init__(self, iteration: int, checkpoint: str,
                 exit_code: int) -> None:
        super().__init__(f'training preempted after iteration {iteration}; '
                         f'resume from {checkpoint} with --resume')
        self.iteration = iteration
        self.checkpoint = checkpoint
        self.exit_code = exit_code


@HOOKS.register_module()
class PreemptionHook(Hook):
    """On one of ``signals``, save an iteration checkpoint at the end of the
    current iteration and stop with :class:`TrainingPreempted`.

    The handler only sets a flag; after each iteration the flags of all
    ranks are max-reduced (one scalar), so every rank stops after the same
    iteration even when only one was signalled, and rank 0 writes one
    checkpoint (through :class:`ResumableCheckpointHook`) before any rank
    leaves. A signal during validation takes effect after the next
    training iteration.

    Args:
        signals: signal names, e.g. ``('SIGTERM', 'SIGUSR1')`` (slurm's
            ``--signal=USR1@120`` warns two minutes before the end).
        exit_code: the process exit code ``tools/train.py`` uses.
    """

    # after every other hook of the iteration (EMA, schedulers, logger,
    # checkpoint), so the saved state is the iteration's final one
    priority = 'LOWEST'

    def __init__(self,
                 signals: Sequence[str] = ('SIGTERM', 'SIGUSR1'),
                 exit_code: int = PREEMPTED_EXIT_CODE) -> None:
        self.signals = [signal.Signals[name] for name in signals]
        self.exit_code = exit_code
        self.requested = False
        self._previous: dict = {}

    def _request(self, signum: int, frame) -> None:
        self.requested = True

    def before_train(self, runner) -> None:
        self.saver = next((hook for hook in runner.hooks
                           if isinstance(hook, ResumableCheckpointHook)), None)
        if self.saver is None:
            raise TypeError('PreemptionHook saves through '
                            "default_hooks.checkpoint.type='Resumable"
                            "CheckpointHook', which the config lacks.")
        check_resumable_loop(runner, 'preemption checkpoints')
        self._previous = {
            signum: signal.signal(signum, self._request)
            for signum in self.signals
        }

    def after_train(self, runner) -> None:
        self._restore()

    def _restore(self) -> None:
        """Give the signals their handlers from before training back."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        flag = torch.tensor([float(self.requested)])
        all_reduce(flag, op='max')
        if not flag.item():
            return
        checkpoint = self.saver.save_iter_checkpoint(runner)
        barrier()  # no rank leaves (and no launcher kills) before it exists
        self._restore()
        raise TrainingPreempted(runner.iter + 1, checkpoint, self.exit_code)
