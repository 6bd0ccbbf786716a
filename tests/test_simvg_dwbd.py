"""DWBD: the balance weight and the two loss terms computed by hand."""
import math

import pytest
import torch
from mmengine.structures import InstanceData

from mmvg.models.heads.simvg_decoder_branch import SimVGDecoderBranch
from mmvg.models.losses.dwbd_loss import DWBDLoss
from mmvg.registry import MODELS


def test_weight_and_terms_by_hand():
    loss = MODELS.build(
        dict(type='DWBDLoss', gt_weight=2.0, teacher_weight=1.0))
    quality = torch.tensor([.2, .6], requires_grad=True)
    gt_term = torch.tensor(3., requires_grad=True)
    losses = loss(
        dict(loss_bbox=gt_term), dict(loss_bbox=torch.tensor(5.)), quality)
    w = .4
    assert losses['dwbd_weight'].item() == pytest.approx(w)
    assert losses['loss_bbox'].item() == pytest.approx(2.0 * (1 - w) * 3.)
    assert losses['distill_loss_bbox'].item() == pytest.approx(1.0 * w * 5.)
    # w is detached: no gradient reaches the decoder through it
    losses['loss_bbox'].backward()
    assert quality.grad is None and gt_term.grad is not None


def test_fixed_weight_zero_trains_on_the_ground_truth_only():
    loss = DWBDLoss(gt_weight=2.0, teacher_weight=1.0, fixed_weight=0.)
    losses = loss(
        dict(loss_bbox=torch.tensor(3.)), dict(loss_bbox=torch.tensor(5.)),
        torch.tensor([.9, .8]))
    assert losses['loss_bbox'].item() == pytest.approx(6.)
    assert losses['distill_loss_bbox'].item() == 0
    assert losses['dwbd_weight'].item() == 0
    with pytest.raises(ValueError, match='fixed_weight'):
        DWBDLoss(fixed_weight=1.5)


def test_weight_without_targets_is_zero():
    assert DWBDLoss.balance_weight(torch.zeros(0)).item() == 0


def test_matched_quality_is_score_times_iou():
    """Sample A: matched box inside its target (IoU .25), logits (2, 0);
    sample B: exact box, logits (0, 0). w = mean of score x IoU."""
    head = SimVGDecoderBranch(embed_dims=8, num_queries=2)
    logits = torch.tensor([[[2., 0.], [-3., 3.]], [[0., 0.], [-3., 3.]]])
    boxes = torch.tensor([[[.5, .5, .2, .2], [.9, .9, .1, .1]],
                          [[.5, .5, .4, .4], [.1, .1, .1, .1]]])
    gts = [
        InstanceData(
            bboxes=torch.tensor([[60., 30., 140., 70.]]),
            labels=torch.tensor([0]))
    ] * 2
    metas = [dict(img_shape=(100, 200))] * 2
    teacher, quality = head.matched_predictions(logits, boxes, gts, metas)
    fg = 1 / (1 + math.exp(-2))
    assert quality.tolist() == pytest.approx([fg * .25, .5 * 1.], rel=1e-5)
    assert teacher[0].bboxes[0].tolist() == pytest.approx(
        [80., 40., 120., 60.])
    assert torch.allclose(teacher[1].bboxes, gts[1].bboxes)
    w = DWBDLoss.balance_weight(quality)
    assert w.item() == pytest.approx((fg * .25 + .5) / 2, rel=1e-5)


def test_matched_predictions_follow_target_order():
    head = SimVGDecoderBranch(embed_dims=8, num_queries=2)
    boxes = torch.tensor([[[.25, .25, .1, .1], [.75, .75, .1, .1]]])
    gt = InstanceData(
        bboxes=torch.tensor([[70., 70., 80., 80.], [20., 20., 30., 30.]]),
        labels=torch.tensor([0, 0]))
    teacher, quality = head.matched_predictions(
        torch.zeros(1, 2, 2), boxes, [gt], [dict(img_shape=(100, 100))])
    assert torch.allclose(teacher[0].bboxes, gt.bboxes)
    assert quality.tolist() == pytest.approx([.5, .5])
