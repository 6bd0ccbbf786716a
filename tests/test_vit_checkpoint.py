"""Strict loading of timm/MAE and ViTDet (detectron2) ViT checkpoints."""
import importlib.util
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from mmvg.models.backbones.vit import VisionTransformer

GLOBAL_BLOCKS = (2, 5, 8, 11)  # ViTDet-B; the other blocks use 14x14 windows


def timm_vit_b16_shapes(dims: int = 768) -> dict:
    """Names and shapes of timm's ``vit_base_patch16_224`` state dict."""
    shapes = {
        'cls_token': (1, 1, dims),
        'pos_embed': (1, 197, dims),
        'patch_embed.proj.weight': (dims, 3, 16, 16),
        'patch_embed.proj.bias': (dims, ),
    }
    for i in range(12):
        shapes.update({
            f'blocks.{i}.norm1.weight': (dims, ),
            f'blocks.{i}.norm1.bias': (dims, ),
            f'blocks.{i}.attn.qkv.weight': (3 * dims, dims),
            f'blocks.{i}.attn.qkv.bias': (3 * dims, ),
            f'blocks.{i}.attn.proj.weight': (dims, dims),
            f'blocks.{i}.attn.proj.bias': (dims, ),
            f'blocks.{i}.norm2.weight': (dims, ),
            f'blocks.{i}.norm2.bias': (dims, ),
            f'blocks.{i}.mlp.fc1.weight': (4 * dims, dims),
            f'blocks.{i}.mlp.fc1.bias': (4 * dims, ),
            f'blocks.{i}.mlp.fc2.weight': (dims, 4 * dims),
            f'blocks.{i}.mlp.fc2.bias': (dims, ),
        })
    shapes.update({
        'norm.weight': (dims, ),
        'norm.bias': (dims, ),
        'head.weight': (1000, dims),
        'head.bias': (1000, )
    })
    return shapes


def vitdet_b_shapes(dims: int = 768, heads: int = 12) -> dict:
    """``backbone.net.`` names/shapes of detectron2's ViTDet-B Mask R-CNN."""
    shapes = {
        k: v
        for k, v in timm_vit_b16_shapes(dims).items()
        if not k.startswith(('cls_token', 'norm.', 'head.'))
    }
    for i in range(12):
        rows = 127 if i in GLOBAL_BLOCKS else 27  # 2 * 64 - 1 / 2 * 14 - 1
        shapes[f'blocks.{i}.attn.rel_pos_h'] = (rows, dims // heads)
        shapes[f'blocks.{i}.attn.rel_pos_w'] = (rows, dims // heads)
    return {'backbone.net.' + k: v for k, v in shapes.items()}


def random_state(shapes: dict) -> dict:
    gen = torch.Generator().manual_seed(0)
    return {k: torch.randn(s, generator=gen) for k, s in shapes.items()}


def vitdet_b(dims: int, heads: int, **kwargs) -> VisionTransformer:
    return VisionTransformer(
        embed_dims=dims,
        num_heads=heads,
        with_cls_token=False,
        final_norm=False,
        window_size=14,
        global_attn_indexes=GLOBAL_BLOCKS,
        use_rel_pos=True,
        rel_pos_grid=64,
        **kwargs)


def assert_loaded(model: torch.nn.Module, state: dict, prefix: str = ''):
    ours = model.state_dict()
    for key, value in ours.items():
        torch.testing.assert_close(
            value, torch.as_tensor(state[prefix + key]), rtol=0, atol=0)


def test_vit_b16_has_timm_names_and_shapes():
    with torch.device('meta'):
        model = VisionTransformer()
    ours = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    expected = timm_vit_b16_shapes()
    del expected['head.weight'], expected['head.bias']
    assert ours == expected


@pytest.mark.parametrize('wrap', [None, 'model', 'state_dict'])
def test_loads_timm_file_with_head_ignored(tmp_path, wrap):
    state = random_state(timm_vit_b16_shapes(dims=32))
    path = str(tmp_path / 'vit_base_patch16_224.pth')
    torch.save(state if wrap is None else {wrap: state}, path)
    model = VisionTransformer(
        embed_dims=32,
        num_heads=2,
        init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert_loaded(model, state)


def test_loads_safetensors(tmp_path):
    from safetensors.torch import save_file
    state = random_state(timm_vit_b16_shapes(dims=32))
    path = str(tmp_path / 'model.safetensors')
    save_file(state, path)
    model = VisionTransformer(
        embed_dims=32,
        num_heads=2,
        init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert_loaded(model, state)


@pytest.mark.parametrize('edit, message', [
    (lambda s: s.pop('blocks.3.attn.qkv.weight'), 'blocks.3.attn.qkv.weight'),
    (lambda s: s.update({'blocks.12.norm1.weight': torch.ones(32)}),
     'blocks.12.norm1.weight'),
    (lambda s: s.update({'blocks.0.mlp.fc1.weight': torch.ones(64, 32)}),
     'blocks.0.mlp.fc1.weight'),
])
def test_bad_file_raises_naming_file_and_keys(tmp_path, edit, message):
    state = random_state(timm_vit_b16_shapes(dims=32))
    edit(state)
    path = str(tmp_path / 'broken.pth')
    torch.save(state, path)
    model = VisionTransformer(
        embed_dims=32,
        num_heads=2,
        init_cfg=dict(type='Pretrained', checkpoint=path))
    with pytest.raises(ValueError) as err:
        model.init_weights()
    assert path in str(err.value) and message in str(err.value)


def test_pos_embed_of_another_grid_is_resampled(tmp_path):
    state = random_state(timm_vit_b16_shapes(dims=32))
    state['pos_embed'] = torch.randn(1, 1 + 24 * 24, 32)  # a 384 model
    path = str(tmp_path / 'vit_384.pth')
    torch.save(state, path)
    model = VisionTransformer(
        embed_dims=32,
        num_heads=2,
        init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert model.pos_embed.shape == (1, 197, 32)
    torch.testing.assert_close(model.pos_embed[:, 0], state['pos_embed'][:, 0])


def detectron2_pickle(path: str, dims: int = 64, heads: int = 4) -> dict:
    """Write a ViTDet Mask R-CNN model-zoo style ``.pkl`` (numpy arrays)."""
    state = {
        k: v.numpy()
        for k, v in random_state(vitdet_b_shapes(dims, heads)).items()
    }
    detector_only = {
        'backbone.simfp_2.0.weight': np.ones((dims, dims // 2, 2, 2)),
        'proposal_generator.rpn_head.conv.weight': np.ones((4, 4, 3, 3)),
        'roi_heads.box_predictor.cls_score.weight': np.ones((81, 4)),
        'pixel_mean': np.ones((3, 1, 1)),
    }
    with open(path, 'wb') as f:
        pickle.dump(
            {
                'model': {
                    **state,
                    **detector_only
                },
                '__author__': 'Detectron2 Model Zoo'
            }, f)
    return state


def test_loads_vitdet_detectron2_pickle(tmp_path):
    path = str(tmp_path / 'model_final_61ccd1.pkl')
    state = detectron2_pickle(path)
    model = vitdet_b(64, 4, init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert_loaded(model, state, prefix='backbone.net.')
    with torch.no_grad():
        feat_map, cls_feat = model.eval()(torch.randn(1, 3, 448, 448))
    assert feat_map.shape == (1, 64, 28, 28) and cls_feat is None
    assert torch.isfinite(feat_map).all()


def test_loads_vitdet_torch_file(tmp_path):
    state = random_state(vitdet_b_shapes(32, 2))
    path = str(tmp_path / 'model_final.pth')
    torch.save({'model': state, 'iteration': 1}, path)
    model = vitdet_b(32, 2, init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert_loaded(model, state, prefix='backbone.net.')


def test_mae_weights_into_windowed_model_report_rel_pos_as_new(tmp_path):
    """ViTDet's recipe: [CLS] dropped, relative positions start at zero."""
    state = random_state(timm_vit_b16_shapes(dims=32))
    del state['head.weight'], state['head.bias']
    path = str(tmp_path / 'mae_pretrain_vit_base.pth')
    torch.save({'model': state}, path)
    model = VisionTransformer(
        embed_dims=32,
        num_heads=2,
        with_cls_token=False,
        window_size=14,
        global_attn_indexes=GLOBAL_BLOCKS,
        use_rel_pos=True,
        init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    torch.testing.assert_close(model.blocks[5].attn.qkv.weight,
                               state['blocks.5.attn.qkv.weight'])
    assert not model.blocks[0].attn.rel_pos_h.any()


class _Exploit:

    def __reduce__(self):
        return (os.system, ('true', ))


def test_refuses_code_in_pickles(tmp_path):
    path = str(tmp_path / 'evil.pkl')
    with open(path, 'wb') as f:
        pickle.dump({'model': {'x': _Exploit()}}, f)
    model = vitdet_b(32, 2, init_cfg=dict(type='Pretrained', checkpoint=path))
    with pytest.raises(pickle.UnpicklingError):
        model.init_weights()


def test_vitdet_converter_writes_loadable_timm_file(tmp_path, capsys):
    script = Path(__file__).parents[1] / \
        'tools/model_converters/vitdet2timm.py'
    spec = importlib.util.spec_from_file_location('vitdet2timm', script)
    converter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(converter)
    src, dst = str(tmp_path / 'model.pkl'), str(tmp_path / 'backbone.pth')
    state = detectron2_pickle(src, dims=32, heads=2)
    converter.main([src, dst])
    assert '(127, 16)' in capsys.readouterr().out
    model = vitdet_b(32, 2, init_cfg=dict(type='Pretrained', checkpoint=dst))
    model.init_weights()
    assert_loaded(model, state, prefix='backbone.net.')
