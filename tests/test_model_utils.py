"""Shared model helpers: batch padding masks, the DETR decoder builder and
the box loss pair."""
import pytest
import torch

from mmvg.models.utils import (batch_padding_mask, box_losses,
                               build_detr_decoder)


def test_padding_mask_marks_cells_beyond_each_image():
    ref = torch.zeros(1)
    mask = batch_padding_mask(ref, (64, 64), [(64, 32), (48, 64)], (4, 4))
    assert mask.shape == (2, 4, 4) and mask.dtype == torch.bool
    assert mask[0, :, 2:].all() and not mask[0, :, :2].any()
    assert mask[1, 3].all() and not mask[1, :3].any()


def test_detr_decoder_shares_attention_settings():
    decoder = build_detr_decoder(2, 32, 4, 64, 0.1, return_intermediate=True)
    layer = decoder.layers[0]
    assert len(decoder.layers) == 2
    assert layer.self_attn.num_heads == layer.cross_attn.num_heads == 4
    assert layer.ffn.feedforward_channels == 64
    out = decoder(
        query=torch.zeros(2, 3, 32),
        key=torch.zeros(2, 5, 32),
        value=torch.zeros(2, 5, 32),
        query_pos=torch.zeros(2, 3, 32),
        key_pos=torch.zeros(2, 5, 32),
        key_padding_mask=None)
    assert out.shape == (2, 2, 3, 32)  # (layers, batch, queries, dims)


def test_box_losses_by_hand():
    from mmdet.models.losses import GIoULoss, L1Loss
    pred = torch.tensor([[.5, .5, .2, .2]])
    target = torch.tensor([[.5, .5, .4, .4]])
    losses = box_losses(
        L1Loss(loss_weight=5.), GIoULoss(loss_weight=2.), pred, target)
    # L1: mean of (0, 0, .2, .2) x 5; the box lies inside the target:
    # GIoU = IoU = .04 / .16
    assert losses['loss_bbox'].item() == pytest.approx(5 * .1, rel=1e-5)
    assert losses['loss_iou'].item() == pytest.approx(2 * .75, rel=1e-5)
