"""Sine2DPositionInit: BEiT-3's patch positions start as a 2-D sine grid."""
import pytest
import torch
from mmdet.models.layers import SinePositionalEncoding
from torch import nn

from mmvg.models.aids import Sine2DPositionInit
from mmvg.models.backbones.beit3 import BEiT3

INIT = [
    dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
    dict(type='Sine2DPositionInit')
]


def tiny(**kwargs) -> BEiT3:
    torch.manual_seed(0)
    return BEiT3(
        arch=dict(embed_dims=32, num_layers=1, num_heads=2, mlp_ratio=2.),
        img_size=64,
        patch_size=16,
        vocab_size=16,
        **kwargs)


def test_patch_rows_become_the_sine_grid_and_the_rest_stays():
    """Patch rows equal DETR's sine encoding of the 4 x 4 grid (neighbours
    close, far patches apart); [CLS], the offset rows and the Linear init
    of the init_cfg list before it are as without it."""
    model, plain = tiny(init_cfg=INIT), tiny()
    built = model.encoder.embed_positions.A.weight.detach().clone()
    for module in (model, plain):  # the same TruncNormal draws
        torch.manual_seed(1)
        module.init_weights()
    table = model.encoder.embed_positions.A.weight.detach()
    assert torch.equal(table[:3], built[:3])
    sine = SinePositionalEncoding(
        num_feats=16, normalize=True)(
            torch.zeros(1, 4, 4, dtype=torch.bool))
    assert torch.equal(table[3:], sine.flatten(2)[0].t())
    grid = table[3:].reshape(4, 4, -1)
    assert (grid[0, 0] - grid[0, 1]).norm() < (grid[0, 0] - grid[3, 3]).norm()
    assert model.encoder.embed_positions.A.weight.requires_grad
    assert torch.equal(model.text_embed.weight, plain.text_embed.weight)
    assert torch.equal(model.encoder.layers[0].self_attn.q_proj.A.weight,
                       plain.encoder.layers[0].self_attn.q_proj.A.weight)


def test_a_module_without_a_position_table_is_refused():
    with pytest.raises(
            TypeError, match='no BEiT-3 or ViT position table in Linear'):
        Sine2DPositionInit()(nn.Linear(2, 2))


def test_vilt_positions_become_the_sine_grid_after_its_own_init():
    """In ViLT's init_cfg list the sine grid is written after ViLT's own
    init (which sets the rest as without it)."""
    from mmvg.models.backbones.vilt import ViLT
    kwargs = dict(
        vocab_size=16,
        max_text_len=8,
        img_size=64,
        patch_size=16,
        embed_dims=32,
        num_layers=1,
        num_heads=2)
    model = ViLT(init_cfg=[dict(type='Sine2DPositionInit')], **kwargs)
    plain = ViLT(**kwargs)
    for module in (model, plain):
        torch.manual_seed(1)
        module.init_weights()
    table = model.transformer.pos_embed.detach()[0]
    sine = SinePositionalEncoding(
        num_feats=16, normalize=True)(
            torch.zeros(1, 4, 4, dtype=torch.bool))
    assert torch.equal(table[1:], sine.flatten(2)[0].t())
    assert torch.equal(table[0], plain.transformer.pos_embed[0, 0])
    assert torch.equal(model.transformer.blocks[0].attn.qkv.weight,
                       plain.transformer.blocks[0].attn.qkv.weight)
