"""PatchSelector and its helpers: child expansion, straight-through gates,
inference rules, input gating."""
import pytest
import torch

from mmvg.models.layers.patch_selection import (PatchSelector,
                                                expand_to_children,
                                                gate_inputs)
from mmvg.models.losses import PatchBudgetLoss


def test_children_of_a_2x2_grid():
    parent = torch.tensor([[1., 0., 0., 2.]])
    children = expand_to_children(parent, (2, 2), 2).view(4, 4)
    assert children.tolist() == [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 2, 2],
                                 [0, 0, 2, 2]]


def test_training_gates_are_hard_with_soft_gradient():
    torch.manual_seed(0)
    selector = PatchSelector(8).train()
    patches = torch.randn(2, 6, 8, requires_grad=True)
    gates, scores = selector(patches)
    assert set(gates.detach().unique().tolist()) <= {0.0, 1.0}
    torch.testing.assert_close(
        scores, torch.sigmoid(selector.score(patches).squeeze(-1)))
    gates.sum().backward()
    assert selector.score.weight.grad.abs().sum() > 0
    assert patches.grad.abs().sum() > 0


def test_read_all_reads_every_patch_and_keeps_the_gradient():
    torch.manual_seed(0)
    selector = PatchSelector(8, init_bias=-20.0).train()
    patches = torch.randn(2, 6, 8, requires_grad=True)
    assert selector(patches).gates.sum() == 0  # logit -20: all dropped
    selector.read_all = True
    gates = selector(patches).gates
    assert gates.tolist() == [[1.0] * 6] * 2
    gates.sum().backward()
    assert selector.score.weight.grad.abs().sum() > 0
    selector.eval()  # inference ignores it
    assert selector(patches).gates.sum() == 0


def test_inference_threshold_and_keep_ratio():
    selector = PatchSelector(1, threshold=0.5).eval()
    with torch.no_grad():
        selector.score.weight.fill_(1.0)
        selector.score.bias.zero_()
    patches = torch.tensor([[[-2.], [3.], [0.5], [-0.1]]])
    assert selector(patches).gates.tolist() == [[0., 1., 1., 0.]]
    selector.keep_ratio = 0.25
    assert selector(patches).gates.tolist() == [[0., 1., 0., 0.]]


def test_bad_keep_ratio_is_refused():
    with pytest.raises(ValueError, match=r'keep_ratio must be in \(0, 1\]'):
        PatchSelector(4, keep_ratio=1.5)


def test_gated_inputs_are_the_constant_where_dropped():
    patches = torch.arange(6.).view(1, 3, 2)
    constant = torch.tensor([-1., -2.])
    out = gate_inputs(patches, torch.tensor([[1., 0., 1.]]), constant)
    assert out.tolist() == [[[0., 1.], [-1., -2.], [4., 5.]]]


def test_budget_loss_by_hand():
    # scale 1: 2 of 4 present read (0.5); scale 2: 1 of 3 present (1/3)
    gates = [
        torch.tensor([[1., 0., 0., 1.]]),
        torch.tensor([[1., 0., 0., 0.]])
    ]
    present = [
        torch.ones(1, 4, dtype=torch.bool),
        torch.tensor([[True, True, True, False]])
    ]
    loss = PatchBudgetLoss(target_ratio=0.25, loss_weight=2.0)
    expected = 2.0 * ((0.5 - 0.25)**2 + (1 / 3 - 0.25)**2) / 2
    assert loss(gates, present).item() == pytest.approx(expected)
    with pytest.raises(ValueError, match='target_ratio must be in'):
        PatchBudgetLoss(target_ratio=0.0)
    with pytest.raises(ValueError, match='at least one selected scale'):
        loss([], [])
