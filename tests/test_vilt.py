"""ViLT: loading transformers' ViltModel and the original Lightning layout,
outputs equal to transformers' model, strict key checks."""
import pytest
import torch
from transformers import ViltConfig, ViltModel

from mmvg.models.backbones import ViLT
from mmvg.registry import MODELS

TINY = dict(
    vocab_size=100,
    max_text_len=12,
    img_size=64,
    patch_size=16,
    embed_dims=32,
    num_layers=2,
    num_heads=4,
    mlp_ratio=2.0,
    norm_eps=1e-12)
# transformers' names -> the original release's (HF conversion, restated)
HF_TO_ORIGINAL = {
    'layernorm_before': 'norm1',
    'attention.output.dense': 'attn.proj',
    'layernorm_after': 'norm2',
    'intermediate.dense': 'mlp.fc1',
    'output.dense': 'mlp.fc2',
}


@pytest.fixture(scope='module')
def hf_model():
    torch.manual_seed(0)
    config = ViltConfig(
        vocab_size=100,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        image_size=64,
        patch_size=16,
        max_position_embeddings=12,
        layer_norm_eps=1e-12,
        max_image_length=-1)
    model = ViltModel(config).eval()
    with torch.no_grad():  # non-trivial values where HF inits zeros
        for param in model.parameters():
            param.add_(torch.randn_like(param) * 0.05)
    return model


def _lightning_state(hf_state, num_layers=2):
    """The original release's layout (``transformer.*``, fused qkv) built
    from a transformers state dict, plus a head and the text buffer."""
    state = {
        'text_embeddings.position_ids': torch.arange(12)[None],
        'itm_score.fc.weight': torch.zeros(2, 32),
        'mlm_score.bias': torch.zeros(100),
    }
    emb = 'embeddings.'
    for key, value in hf_state.items():
        if key.startswith(emb + 'text_embeddings.'):
            state[key[len(emb):]] = value
    state['token_type_embeddings.weight'] = hf_state[
        emb + 'token_type_embeddings.weight']
    state['transformer.cls_token'] = hf_state[emb + 'cls_token']
    state['transformer.pos_embed'] = hf_state[emb + 'position_embeddings']
    for kind in ('weight', 'bias'):
        state[f'transformer.patch_embed.proj.{kind}'] = hf_state[
            f'{emb}patch_embeddings.projection.{kind}']
        state[f'transformer.norm.{kind}'] = hf_state[f'layernorm.{kind}']
        state[f'pooler.dense.{kind}'] = hf_state[f'pooler.dense.{kind}']
        for i in range(num_layers):
            layer = f'encoder.layer.{i}.'
            for hf_name, name in HF_TO_ORIGINAL.items():
                state[f'transformer.blocks.{i}.{name}.{kind}'] = hf_state[
                    f'{layer}{hf_name}.{kind}']
            state[f'transformer.blocks.{i}.attn.qkv.{kind}'] = torch.cat([
                hf_state[f'{layer}attention.attention.{part}.{kind}']
                for part in ('query', 'key', 'value')
            ])
    return state


def _inputs():
    torch.manual_seed(1)
    img = torch.randn(2, 3, 64, 96)  # a 4 x 6 patch grid, not the stored 4x4
    ids = torch.randint(1, 100, (2, 7))
    text_mask = torch.zeros(2, 7, dtype=torch.bool)
    text_mask[1, 5:] = True
    # sample 1: only the left 4 x 4 patches are image, the rest padding
    pixel_mask = torch.ones(2, 64, 96, dtype=torch.long)
    pixel_mask[1, :, 64:] = 0
    return img, ids, text_mask, pixel_mask


def _hf_outputs(model, monkeypatch):
    """transformers' outputs; its patch sampler draws a random order of the
    valid patches (and of padding fills), fixed here to the identity."""
    img, ids, text_mask, pixel_mask = _inputs()
    monkeypatch.setattr(
        torch,
        'multinomial',
        lambda weights, num, replacement=False: torch.arange(num) % weights.
        numel())
    with torch.no_grad():
        out = model(
            input_ids=ids,
            attention_mask=(~text_mask).long(),
            pixel_values=img,
            pixel_mask=pixel_mask)
    monkeypatch.undo()
    return out


def _mmvg_outputs(model):
    img, ids, text_mask, pixel_mask = _inputs()
    patch_mask = pixel_mask[:, ::16, ::16].flatten(1) == 0
    valid_hw = torch.tensor([[4, 6], [4, 4]])
    with torch.no_grad():
        return model(img, ids, text_mask, patch_mask, valid_hw)


def _check_equal(ours, theirs):
    hidden = theirs.last_hidden_state
    torch.testing.assert_close(ours['text'], hidden[:, :7], atol=1e-5, rtol=0)
    torch.testing.assert_close(
        ours['pooled'], theirs.pooler_output, atol=1e-5, rtol=0)
    # sample 0: every patch; sample 1: its 16 valid patches, row-major
    torch.testing.assert_close(
        ours['image'][0], hidden[0, 7:], atol=1e-5, rtol=0)
    valid = torch.zeros(4, 6, dtype=torch.bool)
    valid[:, :4] = True
    image1 = torch.cat(
        [ours['image'][1, :1], ours['image'][1, 1:][valid.flatten()]])
    torch.testing.assert_close(image1, hidden[1, 7:7 + 17], atol=1e-5, rtol=0)
    assert ours['grid'] == (4, 6)


def test_transformers_folder_loads_and_matches(hf_model, tmp_path,
                                               monkeypatch):
    hf_model.save_pretrained(tmp_path / 'vilt')
    model = ViLT(
        **TINY,
        init_cfg=dict(type='Pretrained',
                      checkpoint=str(tmp_path / 'vilt'))).eval()
    model.init_weights()
    _check_equal(_mmvg_outputs(model), _hf_outputs(hf_model, monkeypatch))


def test_lightning_checkpoint_loads_and_matches(hf_model, tmp_path,
                                                monkeypatch):
    path = tmp_path / 'vilt_200k_mlm_itm.ckpt'
    torch.save(
        dict(state_dict=_lightning_state(hf_model.state_dict()), epoch=3),
        path)
    model = MODELS.build(
        dict(
            type='ViLT',
            **TINY,
            init_cfg=dict(type='Pretrained', checkpoint=str(path)))).eval()
    model.init_weights()
    _check_equal(_mmvg_outputs(model), _hf_outputs(hf_model, monkeypatch))


@pytest.mark.parametrize('change,message', [
    ('drop', r'missing keys: transformer\.blocks\.1\.mlp\.fc2\.bias'),
    ('extra', r'unexpected keys: vqa_classifier\.0\.weight'),
])
def test_loading_is_strict(hf_model, tmp_path, change, message):
    state = _lightning_state(hf_model.state_dict())
    if change == 'drop':
        del state['transformer.blocks.1.mlp.fc2.bias']
    else:
        state['vqa_classifier.0.weight'] = torch.zeros(3, 3)
    path = tmp_path / 'bad.ckpt'
    torch.save(dict(state_dict=state), path)
    model = ViLT(
        **TINY, init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    with pytest.raises(KeyError, match=message):
        model.init_weights()


def test_missing_folder_weights_are_named(tmp_path):
    model = ViLT(
        **TINY, init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path)))
    with pytest.raises(FileNotFoundError, match='holds none of'):
        model.init_weights()


def test_over_long_text_is_refused():
    model = ViLT(**TINY)
    with pytest.raises(ValueError, match='at most 12 text tokens, got 13'):
        model.embed_text(torch.ones(1, 13, dtype=torch.long))


def test_random_init_is_not_default_embedding_init():
    model = ViLT(**TINY)
    model.init_weights()
    std = model.text_embeddings.word_embeddings.weight.std().item()
    assert 0.015 < std < 0.025
