"""Parity of mmvg's BEiT3 with torchscale's reference ``BEiT3``.

A tiny torchscale BEiT3 (configured like unilm's ``_get_base_config``) gets
random weights, is saved under the official ``beit3.`` prefix, loaded into
mmvg strictly, and both must give the same outputs.

torchscale 0.3.0 imports ``timm.models.layers.drop_path`` and
``fairscale.nn.{checkpoint_wrapper, wrap}`` at import time; timm cannot be
installed beside this torch (it needs torchvision) and fairscale is not
needed. When they are missing, minimal stand-ins for exactly those names are
put in ``sys.modules`` while torchscale is imported: mmcv's ``drop_path``
(the same function as timm's; inactive here: drop-path 0, eval mode) and
wrappers that torchscale calls only with activation checkpointing or FSDP,
both off in these tests.
"""
import sys
import types

import pytest
import torch
import torch.nn.functional as F
from mmcv.cnn.bricks.drop import drop_path

from mmvg.models.backbones.beit3 import BEiT3

TOL = 1e-5
TINY_ARCH = dict(embed_dims=64, num_layers=2, num_heads=4, mlp_ratio=4.)
VOCAB = 100


def _stand_ins() -> dict:
    """Stand-in modules for the timm/fairscale names torchscale imports."""
    modules = {}
    try:
        import timm.models.layers  # noqa: F401
    except ImportError:
        layers = types.ModuleType('timm.models.layers')
        layers.drop_path = drop_path
        models = types.ModuleType('timm.models')
        models.layers = layers
        timm = types.ModuleType('timm')
        timm.models = models
        modules.update({
            'timm': timm,
            'timm.models': models,
            'timm.models.layers': layers
        })
    try:
        import fairscale.nn  # noqa: F401
    except ImportError:

        def unused(module):
            raise AssertionError('activation checkpointing / FSDP are off')

        nn = types.ModuleType('fairscale.nn')
        nn.checkpoint_wrapper = nn.wrap = unused
        fairscale = types.ModuleType('fairscale')
        fairscale.nn = nn
        modules.update({'fairscale': fairscale, 'fairscale.nn': nn})
    return modules


@pytest.fixture(scope='module')
def torchscale():
    pytest.importorskip('torchscale')
    with pytest.MonkeyPatch.context() as patch:
        for name, module in _stand_ins().items():
            patch.setitem(sys.modules, name, module)
        from torchscale.architecture.config import EncoderConfig
        from torchscale.model.BEiT3 import BEiT3 as ReferenceBEiT3
    return EncoderConfig, ReferenceBEiT3


def build_reference(torchscale, img_size: int, patch_size: int):
    """Tiny torchscale BEiT3 as unilm's ``_get_base_config`` sets it up."""
    encoder_config, reference_cls = torchscale
    config = encoder_config(
        img_size=img_size,
        patch_size=patch_size,
        vocab_size=VOCAB,
        multiway=True,
        layernorm_embedding=False,
        normalize_output=True,
        no_output_layer=True,
        drop_path_rate=0.,
        encoder_embed_dim=TINY_ARCH['embed_dims'],
        encoder_attention_heads=TINY_ARCH['num_heads'],
        encoder_ffn_embed_dim=256,
        encoder_layers=TINY_ARCH['num_layers'])
    return reference_cls(config).eval()


def randomize_(model: torch.nn.Module) -> None:
    """Perturb every parameter (norms too) so each one matters."""
    torch.manual_seed(0)
    with torch.no_grad():
        for param in model.parameters():
            param.add_(torch.randn_like(param) * 0.2)


def save_official(reference, path) -> str:
    """Save like the unilm release: ``{'model': {'beit3.' + key: ...}}``."""
    state = {f'beit3.{k}': v for k, v in reference.state_dict().items()}
    torch.save({'model': state}, path)
    return str(path)


def load_mmvg(checkpoint: str, img_size: int, patch_size: int) -> BEiT3:
    model = BEiT3(
        arch=TINY_ARCH,
        img_size=img_size,
        patch_size=patch_size,
        vocab_size=VOCAB,
        init_cfg=dict(type='Pretrained', checkpoint=checkpoint))
    model.init_weights()
    return model.eval()


def inputs(img_size: int):
    torch.manual_seed(1)
    img = torch.randn(2, 3, img_size, img_size)
    ids = torch.randint(4, VOCAB, (2, 7))
    mask = torch.zeros(2, 7, dtype=torch.bool)
    mask[0, 4:] = True
    ids[mask] = 1
    return img, ids, mask


def run_reference(reference, img, ids, mask):
    out = reference(
        textual_tokens=ids, visual_tokens=img, text_padding_position=mask)
    joint, split = out['encoder_out'], out['multiway_split_position']
    if ids is None:
        return joint, None
    if img is None:
        return None, joint
    return joint[:, :split], joint[:, split:]


def assert_close(mine, ref):
    assert (mine is None) == (ref is None)
    if ref is not None:
        assert mine.shape == ref.shape
        assert (mine - ref).abs().max().item() <= TOL


@pytest.fixture(scope='module')
def pair(torchscale, tmp_path_factory):
    reference = build_reference(torchscale, img_size=32, patch_size=16)
    randomize_(reference)
    path = save_official(reference,
                         tmp_path_factory.mktemp('beit3') / 'tiny.pth')
    return reference, path


@pytest.mark.parametrize('mode', ['vision', 'text', 'joint'])
def test_matches_torchscale(pair, mode):
    reference, path = pair
    model = load_mmvg(path, img_size=32, patch_size=16)
    img, ids, mask = inputs(32)
    if mode == 'vision':
        ids = mask = None
    elif mode == 'text':
        img = None
    with torch.no_grad():
        ref_vision, ref_text = run_reference(reference, img, ids, mask)
        out = model(img, ids, mask)
    assert_close(out['vision'], ref_vision)
    assert_close(out['text'], ref_text)
    if img is not None:
        assert out['vision_hw'] == (2, 2)


def resize_like_simvg(state: dict, grid: int, patch_size: int) -> dict:
    """The reference resizing of SimVG's loader, restated independently:
    keep the 3 leading position rows, bicubic on the square grid; bicubic
    on the patch kernel."""
    state = dict(state)
    pos = state['encoder.embed_positions.A.weight']
    extra, tokens = pos[:3], pos[3:]
    side = int(tokens.size(0)**0.5)
    tokens = tokens.reshape(1, side, side, -1).permute(0, 3, 1, 2)
    tokens = F.interpolate(
        tokens, size=(grid, grid), mode='bicubic', align_corners=False)
    state['encoder.embed_positions.A.weight'] = torch.cat(
        [extra, tokens.permute(0, 2, 3, 1).flatten(0, 2)])
    state['vision_embed.proj.weight'] = F.interpolate(
        state['vision_embed.proj.weight'],
        size=(patch_size, patch_size),
        mode='bicubic',
        align_corners=False)
    return state


def test_matches_torchscale_after_resizing(torchscale, pair):
    """Patch 16 @ 32 px checkpoint -> patch 32 @ 96 px (3x3 grid)."""
    reference, path = pair
    resized = build_reference(torchscale, img_size=96, patch_size=32)
    resized.load_state_dict(
        resize_like_simvg(reference.state_dict(), grid=3, patch_size=32))
    model = load_mmvg(path, img_size=96, patch_size=32)
    img, ids, mask = inputs(96)
    with torch.no_grad():
        ref_vision, ref_text = run_reference(resized, img, ids, mask)
        out = model(img, ids, mask)
    assert out['vision_hw'] == (3, 3)
    assert_close(out['vision'], ref_vision)
    assert_close(out['text'], ref_text)


@pytest.mark.parametrize('arch,dim,heads,layers', [('base', 768, 12, 12),
                                                   ('large', 1024, 16, 24)])
def test_presets_match_official_configs(torchscale, arch, dim, heads, layers):
    """Same keys and shapes as unilm's base/large configs (meta device, so
    nothing is allocated); only the pre-training ``mask_token`` differs."""
    encoder_config, reference_cls = torchscale
    with torch.device('meta'):
        reference = reference_cls(
            encoder_config(
                img_size=224,
                patch_size=16,
                vocab_size=64010,
                multiway=True,
                layernorm_embedding=False,
                normalize_output=True,
                no_output_layer=True,
                encoder_embed_dim=dim,
                encoder_attention_heads=heads,
                encoder_ffn_embed_dim=4 * dim,
                encoder_layers=layers))
        model = BEiT3(arch)
    expected = {
        k: v.shape
        for k, v in reference.state_dict().items()
        if k != 'vision_embed.mask_token'
    }
    assert {k: v.shape for k, v in model.state_dict().items()} == expected
    assert model.encoder.layers[0].self_attn.num_heads == heads
