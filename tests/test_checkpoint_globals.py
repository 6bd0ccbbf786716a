"""Training checkpoints load through torch's safe unpickler; others don't."""
import os
import pickle
import random

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

from mmvg.utils import allow_mmengine_checkpoints


class NotAllowed:
    """A class that no checkpoint may instantiate."""

    def __reduce__(self):
        return (os.system, ('echo pwned', ))


def training_checkpoint() -> dict:
    hub = MessageHub.get_instance('checkpoint-test')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/lr', np.float64(0.1))
    hub.update_info('iter', 3)
    return dict(
        meta=dict(epoch=1, iter=3, seed=0, dataset_meta=dict(classes=('a', ))),
        state_dict={'w': torch.ones(2)},
        message_hub=hub.state_dict(),
        optimizer=dict(
            state={}, param_groups=[dict(lr=0.1, betas=(0.9, 0.99))]),
        rng_state=dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state(),
            cuda=[]))


def test_training_checkpoint_loads_with_weights_only(tmp_path):
    allow_mmengine_checkpoints()
    path = str(tmp_path / 'epoch_1.pth')
    torch.save(training_checkpoint(), path)
    loaded = _load_checkpoint(path, map_location='cpu')
    assert loaded['meta']['iter'] == 3
    assert loaded['message_hub']['log_scalars']['train/loss'].current() == 1.5


def test_other_globals_stay_refused(tmp_path):
    allow_mmengine_checkpoints()
    path = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {}, 'payload': NotAllowed()}, path)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        _load_checkpoint(path, map_location='cpu')
