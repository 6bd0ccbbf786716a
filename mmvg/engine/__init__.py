from .hooks import *  # noqa: F401,F403
from .optim_wrappers import AutocastOptimWrapper
from .resumable_train_loop import ResumableEpochBasedTrainLoop

__all__ = ['AutocastOptimWrapper', 'ResumableEpochBasedTrainLoop']
