"""The plain ViT equals transformers' ViT and ViTDet given the same weights."""
import re

import pytest
import torch
from transformers import ViTConfig, VitDetConfig, VitDetModel, ViTModel

from mmvg.models.backbones.vit import VisionTransformer
from mmvg.registry import MODELS

# transformers 5 ViT names -> timm names (q/k/v are concatenated into qkv).
HF_VIT_RENAMES = [
    (r'^embeddings\.cls_token$', 'cls_token'),
    (r'^embeddings\.position_embeddings$', 'pos_embed'),
    (r'^embeddings\.patch_embeddings\.projection\.', 'patch_embed.proj.'),
    (r'^layers\.(\d+)\.attention\.o_proj\.', r'blocks.\1.attn.proj.'),
    (r'^layers\.(\d+)\.layernorm_before\.', r'blocks.\1.norm1.'),
    (r'^layers\.(\d+)\.layernorm_after\.', r'blocks.\1.norm2.'),
    (r'^layers\.(\d+)\.mlp\.', r'blocks.\1.mlp.'),
    (r'^layernorm\.', 'norm.'),
]
# transformers ViTDet names -> timm/detectron2 names.
HF_VITDET_RENAMES = [
    (r'^embeddings\.position_embeddings$', 'pos_embed'),
    (r'^embeddings\.projection\.', 'patch_embed.proj.'),
    (r'^encoder\.layer\.(\d+)\.attention\.', r'blocks.\1.attn.'),
    (r'^encoder\.layer\.(\d+)\.', r'blocks.\1.'),
]


def rename(state: dict, renames: list) -> dict:
    """Apply the first matching rename to each key; q/k/v become qkv."""
    out, qkv = {}, {}
    for key, value in state.items():
        match = re.match(r'^layers\.(\d+)\.attention\.([qkv])_proj\.(\w+)$',
                         key)
        if match:
            layer, part, kind = match.groups()
            qkv.setdefault((layer, kind), {})[part] = value
            continue
        for pattern, repl in renames:
            if re.search(pattern, key):
                out[re.sub(pattern, repl, key)] = value
                break
        else:
            raise KeyError(f'no rename for {key}')
    for (layer, kind), parts in qkv.items():
        out[f'blocks.{layer}.attn.qkv.{kind}'] = torch.cat(
            [parts['q'], parts['k'], parts['v']])
    return out


def test_equals_transformers_vit_b16():
    torch.manual_seed(0)
    hf = ViTModel(ViTConfig(layer_norm_eps=1e-6), add_pooling_layer=False)
    hf.eval()
    with torch.device('meta'):
        ours = VisionTransformer()  # ViT-B/16 at 224, global attention
    ours.load_state_dict(rename(hf.state_dict(), HF_VIT_RENAMES), assign=True)
    ours.eval()
    img = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        ref = hf(img).last_hidden_state
        feat_map, cls_feat = ours(img)
    assert feat_map.shape == (1, 768, 14, 14)
    assert (cls_feat - ref[:, 0]).abs().max() <= 1e-5
    patches = ref[:, 1:].transpose(1, 2).reshape(1, 768, 14, 14)
    assert (feat_map - patches).abs().max() <= 1e-5


VITDET_SMALL = dict(
    hidden_size=96,
    num_attention_heads=3,
    num_hidden_layers=4,
    image_size=1024,
    pretrain_image_size=224,
    window_size=14,
    window_block_indices=[0, 2],
    use_relative_position_embeddings=True)


def vitdet_pair():
    """transformers' ViTDet and ours, with the same random weights."""
    torch.manual_seed(0)
    hf = VitDetModel(VitDetConfig(**VITDET_SMALL)).eval()
    ours = VisionTransformer(
        embed_dims=96,
        num_heads=3,
        num_layers=4,
        with_cls_token=False,
        final_norm=False,
        window_size=14,
        global_attn_indexes=[1, 3],
        use_rel_pos=True,
        rel_pos_grid=64).eval()
    ours.load_state_dict(rename(hf.state_dict(), HF_VITDET_RENAMES))
    return hf, ours


@pytest.mark.parametrize('size', [(448, 448), (480, 448)])
def test_windowed_equals_transformers_vitdet(size):
    """Windows (padded at 480), global blocks, rel-pos, pos-embed resize."""
    hf, ours = vitdet_pair()
    img = torch.randn(2, 3, *size)
    with torch.no_grad():
        ref = hf(img).last_hidden_state
        feat_map, cls_feat = ours(img)
    assert cls_feat is None
    assert feat_map.shape == (2, 96, size[0] // 16, size[1] // 16)
    assert (feat_map - ref).abs().max() <= 1e-5


def test_build_from_registry_and_drop_path_trains():
    model = MODELS.build(
        dict(
            type='VisionTransformer',
            embed_dims=32,
            num_heads=2,
            num_layers=2,
            drop_path_rate=0.5,
            img_size=64))
    model.init_weights()
    model.train()
    feat_map, cls_feat = model(torch.randn(4, 3, 64, 96))
    assert feat_map.shape == (4, 32, 4, 6) and cls_feat.shape == (4, 32)
    (feat_map.sum() + cls_feat.sum()).backward()
    assert model.pos_embed.grad is not None


@pytest.mark.parametrize('kwargs, match', [
    (dict(window_size=14), 'set with_cls_token=False'),
    (dict(use_rel_pos=True), 'set with_cls_token=False'),
    (dict(with_cls_token=False, global_attn_indexes=[1]),
     'global_attn_indexes needs window_size > 0'),
    (dict(with_cls_token=False, window_size=14, global_attn_indexes=[12]),
     re.escape('global_attn_indexes [12] out of range for 12 layers')),
])
def test_rejects_inconsistent_configs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        VisionTransformer(embed_dims=32, num_heads=2, **kwargs)


def test_attn_bias_masks_keys_and_needs_global_attention():
    from mmvg.models.backbones.vit.attention import Attention
    torch.manual_seed(0)
    attn = Attention(16, 2).eval()
    x = torch.randn(1, 5, 16)
    bias = torch.zeros(1, 1, 1, 5)
    bias[..., 3:] = float('-inf')
    # masking keys 3 and 4 leaves tokens 0-2 as if 3 and 4 were absent
    torch.testing.assert_close(
        attn(x, (1, 5), attn_bias=bias)[:, :3], attn(x[:, :3], (1, 3)))
    windowed = Attention(16, 2, window_size=2)
    with pytest.raises(ValueError, match='attn_bias needs global attention'):
        windowed(torch.randn(1, 4, 16), (2, 2), attn_bias=bias[..., :4])
