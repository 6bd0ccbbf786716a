"""An epoch-based train loop that resumes mid-epoch at the next batch."""
import torch
from mmengine.runner import EpochBasedTrainLoop

from mmvg.registry import LOOPS


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's ``EpochBasedTrainLoop`` that continues a resumed epoch.

    After resuming from an iteration checkpoint (``iter`` not a multiple of
    the epoch length), the epoch goes on at the next batch of the same
    order: the sampler (a :class:`~mmvg.datasets.ResumableSampler`) skips
    the indices of the batches already trained, so their images are never
    loaded, and hooks see the batches' true indices in the epoch. mmengine's
    loop would train the whole epoch again.
    """

    def batches_done(self) -> int:
        """Batches of the current epoch trained before the loop (re)started:
        0 except after a mid-epoch resume."""
        done = self._iter - self._epoch * len(self.dataloader)
        if not 0 <= done <= len(self.dataloader):
            raise RuntimeError(
                f'iteration {self._iter} does not lie in epoch '
                f'{self._epoch + 1} of {len(self.dataloader)} batches: the '
                'batch size or the number of processes changed since the '
                'checkpoint.')
        return done

    def run_epoch(self) -> None:
        """Iterate the epoch, from the first batch not trained yet."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        start = self.batches_done()
        if start == 0:
            batches = iter(self.dataloader)
        else:
            sampler = self.dataloader.sampler
            if not hasattr(sampler, 'skip') or \
                    self.dataloader.batch_size is None:
                raise TypeError(
                    'resuming mid-epoch needs a sampler that can skip the '
                    'trained batches and the default batch sampler: set '
                    "train_dataloader.sampler.type='ResumableSampler' (got "
                    f'{type(sampler).__name__})')
            sampler.skip(start * self.dataloader.batch_size)
            # Starting an iterator draws a seed from the global torch RNG;
            # the run being resumed drew it at the epoch's start, before
            # the RNG state that the checkpoint restored.
            with torch.random.fork_rng(devices=[]):
                batches = iter(self.dataloader)
        for idx, data_batch in enumerate(batches, start):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1


def check_resumable_loop(runner, what: str) -> None:
    """Raise unless ``runner`` trains with the resumable loop, which
    ``what`` (e.g. iteration checkpoints) needs."""
    if not isinstance(runner.train_loop, ResumableEpochBasedTrainLoop):
        raise TypeError(
            f"{what} need train_cfg.type='ResumableEpochBasedTrainLoop': "
            f'{type(runner.train_loop).__name__} would train a resumed '
            'epoch again from its first batch.')
