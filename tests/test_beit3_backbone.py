"""Unit tests of mmvg's BEiT3 backbone (tiny random models)."""
import pytest
import torch

from mmvg.models.backbones.beit3 import BEiT3, adapt_beit3_state_dict
from mmvg.models.backbones.beit3.multiway import Multiway, drop_path_streams
from mmvg.registry import MODELS

TINY = dict(
    arch=dict(embed_dims=32, num_layers=2, num_heads=4, mlp_ratio=2.),
    img_size=32,
    patch_size=16,
    vocab_size=50)


def tiny(**kwargs) -> BEiT3:
    torch.manual_seed(0)
    return BEiT3(**{**TINY, **kwargs}).eval()


def batch(height=32, width=32, length=6):
    torch.manual_seed(1)
    img = torch.randn(2, 3, height, width)
    ids = torch.randint(4, 50, (2, length))
    mask = torch.zeros(2, length, dtype=torch.bool)
    mask[1, length - 2:] = True
    return img, ids, mask


def test_build_from_registry_equals_direct_construction():
    torch.manual_seed(0)
    built = MODELS.build(dict(type='BEiT3', **TINY))
    direct = tiny()
    assert built.state_dict().keys() == direct.state_dict().keys()
    for name, value in direct.state_dict().items():
        assert torch.equal(built.state_dict()[name], value), name


def test_parameter_count_matches_hand_count():
    """Every weight of the tiny config counted by hand (C=32, 2 blocks, FFN
    64, 2x2 patch grid, 50 words, 1024 text positions)."""
    c, ffn, layers = 32, 64, 2
    linear = c * c + c
    norm = 2 * c
    attn = 2 * (4 * linear + norm)  # q, k, v, out + sub-LN, per expert
    mlp = 2 * (c * ffn + ffn + 2 * ffn + ffn * c + c)
    block = attn + mlp + 2 * 2 * norm  # + two multiway pre-LNs
    patch_conv = 3 * c * 16 * 16 + c
    positions = (2 + 1 + 2 * 2) * c + 1024 * c
    expected = (
        patch_conv + c + 50 * c + positions + layers * block + 2 * norm)
    assert expected == 94304
    assert sum(p.numel() for p in tiny().parameters()) == expected


def test_every_linear_and_norm_of_the_encoder_is_multiway():
    """Each projection, norm and FFN of a block has a vision expert ``A``
    and a text expert ``B``, equal in shape, and no module is shared."""
    model = tiny()
    leaves = [(n, m) for n, m in model.encoder.named_modules()
              if isinstance(m, (torch.nn.Linear, torch.nn.LayerNorm))]
    # 2 blocks x 2 experts x (4 projections + sub-LN, 2 pre-LNs,
    # fc1/LN/fc2), plus the output norm's 2 experts
    assert len(leaves) == 2 * 2 * (5 + 2 + 3) + 2
    for name, _ in leaves:
        assert {'A', 'B'} & set(name.split('.')), name
    block = model.encoder.layers[0]
    for multiway in (block.self_attn.q_proj, block.self_attn.out_proj,
                     block.self_attn.inner_attn_ln, block.self_attn_layer_norm,
                     block.ffn, block.final_layer_norm,
                     model.encoder.layer_norm):
        assert isinstance(multiway, Multiway)
        assert multiway.A is not multiway.B
        shapes_a = [p.shape for p in multiway.A.parameters()]
        assert shapes_a == [p.shape for p in multiway.B.parameters()]


def test_last_block_experts_only_touch_their_modality():
    """In the last block nothing mixes after the FFN, so changing the text
    FFN expert changes text outputs only and the vision expert vision only
    (a non-constant shift, which the final LayerNorm does not cancel)."""
    img, ids, mask = batch()
    with torch.no_grad():
        ref = tiny()(img, ids, mask)
        cases = [('B', 'text', 'vision'), ('A', 'vision', 'text')]
        for expert, changed, same in cases:
            model = tiny()
            bias = getattr(model.encoder.layers[-1].ffn, expert).fc2.bias
            bias.add_(torch.linspace(-1., 1., bias.numel()))
            out = model(img, ids, mask)
            torch.testing.assert_close(out[same], ref[same])
            assert not torch.allclose(out[changed], ref[changed], atol=1e-3)


@pytest.mark.parametrize('mode', ['vision', 'text', 'joint'])
def test_output_shapes(mode):
    img, ids, mask = batch(height=32, width=48)
    if mode == 'vision':
        ids = mask = None
    if mode == 'text':
        img = None
    out = tiny()(img, ids, mask)
    if img is None:
        assert out['vision'] is None and out['vision_hw'] is None
    else:
        assert out['vision'].shape == (2, 1 + 2 * 3, 32)
        assert out['vision_hw'] == (2, 3)
    if ids is None:
        assert out['text'] is None
    else:
        assert out['text'].shape == (2, 6, 32)


def test_padding_tokens_are_invisible():
    """Changing padded ids changes no output of the real tokens."""
    model = tiny()
    img, ids, mask = batch()
    other = ids.clone()
    other[mask] = 7
    with torch.no_grad():
        out, out_other = model(img, ids, mask), model(img, other, mask)
    torch.testing.assert_close(out['vision'], out_other['vision'])
    torch.testing.assert_close(out['text'][~mask], out_other['text'][~mask])


def test_masked_padding_equals_the_unpadded_text():
    """A sample with 2 masked padding tokens gives the vision tokens and
    real text tokens of the same sample run alone without padding."""
    model = tiny()
    img, ids, mask = batch()
    with torch.no_grad():
        padded = model(img, ids, mask)
        alone = model(img[1:], ids[1:, :4])
    torch.testing.assert_close(padded['vision'][1:], alone['vision'])
    torch.testing.assert_close(padded['text'][1:, :4], alone['text'])


def test_joint_differs_from_single_modalities():
    """Attention really mixes the modalities."""
    model = tiny()
    img, ids, mask = batch()
    with torch.no_grad():
        joint = model(img, ids, mask)
        vision = model(img)['vision']
        text = model(text_ids=ids, text_padding_mask=mask)['text']
    assert not torch.allclose(joint['vision'], vision, atol=1e-4)
    assert not torch.allclose(joint['text'], text, atol=1e-4)


def test_runtime_interpolation_equals_resized_checkpoint():
    """Feeding a 48x64 image to a model stored for 32x32 equals a model
    whose position table was resized to that grid when loading."""
    model = tiny()
    resized = tiny(img_size=(48, 64))
    resized.load_state_dict(
        adapt_beit3_state_dict(model.state_dict(), resized, prefix=''))
    img, ids, mask = batch(height=48, width=64)
    with torch.no_grad():
        out, ref = model(img, ids, mask), resized(img, ids, mask)
    assert out['vision_hw'] == ref['vision_hw'] == (3, 4)
    torch.testing.assert_close(out['vision'], ref['vision'])
    torch.testing.assert_close(out['text'], ref['text'])


def test_every_parameter_gets_a_gradient_in_joint_mode():
    model = tiny(drop_path_rate=0.1).train()
    out = model(*batch())
    (out['vision'].sum() + out['text'].sum()).backward()
    unused = [n for n, p in model.named_parameters() if p.grad is None]
    assert unused == []


def test_drop_path_is_shared_by_both_streams():
    torch.manual_seed(0)
    vision, text = torch.ones(64, 3, 4), torch.ones(64, 2, 4)
    out_v, out_t = drop_path_streams(vision, text, 0.5, training=True)
    kept_v, kept_t = out_v[:, 0, 0] > 0, out_t[:, 0, 0] > 0
    assert torch.equal(kept_v, kept_t)
    assert 0 < kept_v.sum() < 64
    assert torch.all(out_v[kept_v] == 2.)
    assert drop_path_streams(vision, text, 0.5, training=False)[0] is vision


def test_drop_path_rate_rises_linearly():
    model = tiny(arch=dict(TINY['arch'], num_layers=3), drop_path_rate=0.2)
    rates = [layer.drop_path for layer in model.encoder.layers]
    assert rates == pytest.approx([0., 0.1, 0.2])


@pytest.mark.parametrize('kwargs,match', [
    (dict(), 'needs an image, a text or both'),
    (dict(
        img=torch.randn(2, 3, 32, 32),
        text_padding_mask=torch.zeros(2, 6,
                                      dtype=torch.bool)), 'without text_ids'),
    (dict(img=torch.randn(2, 3, 40, 32)), 'not a multiple of the patch'),
    (dict(img=torch.randn(3, 3, 32, 32), text_ids=torch.ones(
        2, 6).long()), 'batch sizes differ'),
    (dict(
        text_ids=torch.ones(2, 6).long(), text_padding_mask=torch.zeros(
            2, 6)), 'bool tensor'),
    (dict(text_ids=torch.ones(2, 30).long()), 'exceeds the 20 positions'),
])
def test_bad_inputs_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tiny(max_text_positions=22)(**kwargs)


def test_bad_configs_raise():
    with pytest.raises(KeyError, match='unknown BEiT-3 arch'):
        BEiT3('huge')
    with pytest.raises(KeyError, match='lacks'):
        BEiT3(dict(embed_dims=32, num_layers=1))
    with pytest.raises(ValueError, match='not a multiple of patch_size'):
        BEiT3(**{**TINY, 'img_size': 40})
