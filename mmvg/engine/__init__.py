from .hooks import *  # noqa: F401,F403
from .optim_wrappers import AutocastOptimWrapper

__all__ = ['AutocastOptimWrapper']
