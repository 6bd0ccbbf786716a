"""Shared model helpers: batch padding masks and the DETR decoder builder."""
import torch

from mmvg.models.utils import batch_padding_mask, build_detr_decoder


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
