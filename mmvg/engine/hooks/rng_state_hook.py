"""Save and restore random-number-generator states with checkpoints."""
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from mmvg.registry import HOOKS


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Store the Python, NumPy and torch RNG states in each checkpoint and
    restore them on resume.

    mmengine reseeds on resume, so anything random after the checkpoint
    (dropout, augmentation) would differ from an uninterrupted run; with
    this hook a resumed run continues exactly where it stopped.
    """

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state(),
            cuda=torch.cuda.get_rng_state_all()
            if torch.cuda.is_available() else [])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('rng_state')
        if state is None:
            runner.logger.warning('The checkpoint has no RNG state; random '
                                  'draws after resuming will differ from an '
                                  'uninterrupted run.')
            return
        random.setstate(state['python'])
        np.random.set_state(state['numpy'])
        torch.set_rng_state(state['torch'])
        if state['cuda'] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda'])
