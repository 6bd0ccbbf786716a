"""SelectionWarmupHook reads every patch for the first epochs only."""
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from mmvg.engine.hooks import SelectionWarmupHook
from mmvg.models.layers import PatchSelector


def _run_epoch(hook, model, epoch):
    hook.before_train_epoch(SimpleNamespace(model=model, epoch=epoch))


def test_read_all_for_the_warmup_epochs_only():
    model = nn.ModuleList([PatchSelector(4, init_bias=-20.0)] * 2).train()
    hook = SelectionWarmupHook(epochs=2)
    patches = torch.randn(1, 3, 4)
    for epoch, expected in [(0, 3.0), (1, 3.0), (2, 0.0), (5, 0.0)]:
        _run_epoch(hook, model, epoch)
        assert all(m.read_all == (expected > 0) for m in model)
        assert model[0](patches).gates.sum().item() == expected


def test_a_model_without_selection_is_refused():
    with pytest.raises(ValueError, match='found no PatchSelector in Linear'):
        _run_epoch(SelectionWarmupHook(1), nn.Linear(2, 2), 0)
    with pytest.raises(ValueError, match='epochs must be >= 0'):
        SelectionWarmupHook(-1)
