"""ConvStem (an aid) and the patch_embed option of the BEiT-3 and ViT
backbones."""
import pytest
import torch
from torch import nn

from mmvg.models.aids import ConvStem
from mmvg.models.backbones.beit3 import BEiT3
from mmvg.models.backbones.vit import LanguageAdaptiveViT
from mmvg.models.layers import build_patch_proj


def test_stem_reaches_the_patch_stride_with_doubling_widths():
    stem = ConvStem(3, 32, 16, base_channels=4)
    widths = [layer.conv.out_channels for layer in list(stem)[:-1]]
    assert widths == [4, 8, 16, 32]
    assert stem(torch.randn(2, 3, 64, 96)).shape == (2, 32, 4, 6)
    with pytest.raises(ValueError, match='power-of-2'):
        ConvStem(3, 32, 12)


def test_patch_proj_is_the_patchify_conv_by_default():
    proj = build_patch_proj(3, 8, 16)
    assert isinstance(proj, nn.Conv2d) and proj.kernel_size == (16, 16)
    stem = build_patch_proj(3, 8, 16, dict(type='ConvStem', base_channels=4))
    assert isinstance(stem, ConvStem) and stem[-1].out_channels == 8
    assert stem(torch.randn(1, 3, 32, 48)).shape == (1, 8, 2, 3)


def test_backbones_take_a_stem():
    beit3 = BEiT3(
        arch=dict(embed_dims=32, num_layers=1, num_heads=2, mlp_ratio=2.),
        img_size=64,
        patch_size=16,
        vocab_size=16,
        patch_embed=dict(type='ConvStem', base_channels=4))
    beit3.init_weights()
    assert isinstance(beit3.vision_embed.proj, ConvStem)
    out = beit3(torch.randn(2, 3, 64, 32))
    assert out['vision'].shape == (2, 1 + 4 * 2, 32)
    vit = LanguageAdaptiveViT(
        img_size=64,
        patch_size=16,
        embed_dims=32,
        num_layers=1,
        num_heads=2,
        lang_dims=16,
        num_groups=2,
        with_cls_token=False,
        patch_embed=dict(type='ConvStem', base_channels=4))
    vit.init_weights()
    visual, _ = vit(
        torch.randn(2, 3, 64, 64), torch.randn(2, 3, 16),
        torch.zeros(2, 3, dtype=torch.bool))
    assert visual.shape == (2, 32, 4, 4)


def test_patch_local_stem_reads_each_patch_alone():
    """2x2 stride-2 convolutions: a patch's token does not change when
    another patch's pixels do (the 3x3 stem's does)."""
    torch.manual_seed(0)
    img = torch.randn(1, 3, 32, 32)
    other = img.clone()
    other[..., :16, :16] += 1.0  # patch (0, 0) only
    for local in (True, False):
        stem = ConvStem(3, 8, 16, base_channels=4, patch_local=local).eval()
        assert stem.patch_local is local
        with torch.no_grad():
            diff = (stem(img) - stem(other)).abs().flatten(2)[0].amax(0)
        assert diff[0] > 0
        assert bool(diff[1:].max() == 0) is local
