"""Tests of BEiT-3 checkpoint loading and of the resizing helpers."""
import pytest
import torch
import torch.nn.functional as F

from mmvg.models.backbones.beit3 import (BEiT3, adapt_beit3_state_dict,
                                         extract_state_dict,
                                         load_beit3_checkpoint,
                                         resize_patch_kernel, resize_pos_grid)

TINY = dict(
    arch=dict(embed_dims=16, num_layers=1, num_heads=2, mlp_ratio=2.),
    img_size=32,
    patch_size=16,
    vocab_size=20)


def official_state(model: BEiT3) -> dict:
    """``model``'s weights as unilm publishes them (prefix + mask_token)."""
    state = {f'beit3.{k}': v.clone() for k, v in model.state_dict().items()}
    state['beit3.vision_embed.mask_token'] = torch.zeros(1, 1, 16)
    return state


def save(tmp_path, state, name='ckpt.pth') -> str:
    path = str(tmp_path / name)
    torch.save({'model': state}, path)
    return path


@pytest.fixture
def source():
    torch.manual_seed(0)
    return BEiT3(**TINY)


@pytest.mark.parametrize('wrapper', ['model', 'module', 'state_dict', None])
def test_extract_state_dict(wrapper):
    state = {'a': torch.zeros(1)}
    checkpoint = state if wrapper is None else {wrapper: state, 'epoch': 3}
    assert extract_state_dict(checkpoint) is state


def test_pretrained_init_cfg_loads_strictly(tmp_path, source):
    path = save(tmp_path, official_state(source))
    model = BEiT3(**TINY, init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert model.is_init
    for key, value in source.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value)


def test_unprefixed_checkpoint_loads_with_empty_prefix(tmp_path, source):
    path = save(tmp_path, source.state_dict())
    model = BEiT3(**TINY)
    load_beit3_checkpoint(model, path, prefix='')
    torch.testing.assert_close(model.text_embed.weight,
                               source.text_embed.weight)


def test_missing_and_unexpected_keys_are_listed(tmp_path, source):
    state = official_state(source)
    del state['beit3.encoder.layers.0.ffn.B.fc1.weight']
    state['beit3.mlm_head.weight'] = torch.zeros(2)
    path = save(tmp_path, state, 'broken.pth')
    with pytest.raises(KeyError) as err:
        load_beit3_checkpoint(BEiT3(**TINY), path)
    message = str(err.value)
    assert 'broken.pth' in message
    assert 'missing keys: encoder.layers.0.ffn.B.fc1.weight' in message
    assert 'unexpected keys: mlm_head.weight' in message


def test_wrong_prefix_reports_every_key(tmp_path, source):
    path = save(tmp_path, official_state(source))
    with pytest.raises(KeyError, match='unexpected keys: beit3.text_embed'):
        load_beit3_checkpoint(BEiT3(**TINY), path, prefix='backbone.')


def test_shape_mismatch_names_the_file(tmp_path, source):
    path = save(tmp_path, official_state(source), 'vocab20.pth')
    with pytest.raises(RuntimeError, match='(?s)vocab20.pth.*text_embed'):
        load_beit3_checkpoint(BEiT3(**{**TINY, 'vocab_size': 30}), path)


def test_resizes_positions_and_kernel(source):
    target = BEiT3(**{**TINY, 'img_size': 96, 'patch_size': 32})
    state = adapt_beit3_state_dict(official_state(source), target)
    pos = state['encoder.embed_positions.A.weight']
    old = source.encoder.embed_positions.A.weight
    assert pos.shape == (3 + 9, 16)
    torch.testing.assert_close(pos[:3], old[:3])
    torch.testing.assert_close(pos[3:],
                               resize_pos_grid(old[3:], (2, 2), (3, 3)))
    assert state['vision_embed.proj.weight'].shape == (16, 3, 32, 32)
    assert 'vision_embed.mask_token' not in state
    target.load_state_dict(state)


def test_non_square_checkpoint_grid_is_an_error(source):
    state = official_state(source)
    state['beit3.encoder.embed_positions.A.weight'] = torch.zeros(3 + 6, 16)
    target = BEiT3(**{**TINY, 'img_size': 48})
    with pytest.raises(ValueError, match='square patch grid'):
        adapt_beit3_state_dict(state, target, source='odd.pth')


def test_resize_pos_grid():
    grid = torch.randn(2 * 3, 8)
    assert resize_pos_grid(grid, (2, 3), (2, 3)) is grid
    constant = torch.ones(4, 8, dtype=torch.float64)
    resized = resize_pos_grid(constant, (2, 2), (5, 3))
    assert resized.shape == (15, 8) and resized.dtype == torch.float64
    torch.testing.assert_close(resized, torch.ones_like(resized))
    # row-major layout: a grid varying along x only keeps that structure
    ramp = torch.arange(3.).repeat(2)[:, None]
    out = resize_pos_grid(ramp, (2, 3), (4, 3)).reshape(4, 3)
    torch.testing.assert_close(out, torch.arange(3.).expand(4, 3))
    with pytest.raises(ValueError, match='expected 3x3'):
        resize_pos_grid(grid, (3, 3), (4, 4))


def test_resize_patch_kernel_is_bicubic_interpolation():
    kernel = torch.randn(4, 3, 16, 16, dtype=torch.float16)
    resized = resize_patch_kernel(kernel, (32, 32))
    expected = F.interpolate(
        kernel.float(), size=(32, 32), mode='bicubic',
        align_corners=False).half()
    assert torch.equal(resized, expected)
    assert resize_patch_kernel(kernel, (16, 16)) is kernel
