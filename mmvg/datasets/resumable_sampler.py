"""A DefaultSampler whose next epoch can start part-way through."""
import itertools
from typing import Iterator

from mmengine.dataset import DefaultSampler

from mmvg.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class ResumableSampler(DefaultSampler):
    """mmengine's ``DefaultSampler`` that can skip the start of one epoch.

    The epoch's order is DefaultSampler's (a function of ``seed + epoch``);
    :meth:`skip` drops its first indices from the next pass only, so a run
    resumed mid-epoch sees the remaining samples of the same order without
    loading the skipped ones. Used by
    :class:`~mmvg.engine.ResumableEpochBasedTrainLoop`.

    ``len()`` stays the epoch's full length, so the batch indices and
    end-of-epoch checks of hooks mean the same in a resumed epoch.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._skip = 0

    def skip(self, num_samples: int) -> None:
        """Leave out the first ``num_samples`` indices (of this rank) of the
        next pass."""
        if not 0 <= num_samples <= self.num_samples:
            raise ValueError(f'cannot skip {num_samples} of an epoch of '
                             f'{self.num_samples} samples')
        self._skip = num_samples

    def __iter__(self) -> Iterator[int]:
        start, self._skip = self._skip, 0
        return itertools.islice(super().__iter__(), start, None)
