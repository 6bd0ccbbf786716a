"""VG-LAW's language adaptive weight generator."""
import pytest
import torch

from mmvg.models.layers.language_adaptive_weights import \
    LanguageAdaptiveWeights
from mmvg.registry import MODELS

LANG, DIMS, LAYERS = 48, 16, 3


def generator(nonzero_phi: bool = True) -> LanguageAdaptiveWeights:
    torch.manual_seed(0)
    law = LanguageAdaptiveWeights(
        num_layers=LAYERS,
        in_dims=DIMS,
        out_dims=3 * DIMS,
        lang_dims=LANG,
        num_groups=4,
        reduction=16,
        dynamic_dims=8)
    if nonzero_phi:
        with torch.no_grad():
            law.phi_weight.normal_()
            law.phi_bias.normal_()
            law.layer_embeds.normal_()
    return law


def test_starts_at_zero_and_phi_gets_gradients():
    law = generator(nonzero_phi=False)
    feats = torch.randn(2, 5, LANG)
    cores = law(feats)
    assert cores.shape == (2, LAYERS, 8, 8) and not cores.any()
    x = torch.randn(2, 7, DIMS)
    static = torch.randn(2, 7, 3 * DIMS)
    unchanged = law.add_qkv_delta(x, static.clone(), cores[:, 0])
    assert torch.equal(unchanged, static)
    law.add_qkv_delta(x, static.clone(), cores[:, 1]).pow(2).sum().backward()
    assert law.phi_weight.grad[1].abs().sum() > 0
    assert not law.phi_weight.grad[0].any()  # only layer 1 was used


def test_factored_delta_equals_generated_weights():
    law = generator()
    cores = law(torch.randn(3, 6, LANG))
    weights = law.delta_weights(cores)  # P Phi Q^T per sample and layer
    assert weights.shape == (3, LAYERS, 3 * DIMS, DIMS)
    x = torch.randn(3, 10, DIMS)
    for layer in range(LAYERS):
        static = torch.randn(3, 10, 3 * DIMS)
        explicit = static + torch.einsum('bnc,boc->bno', x, weights[:, layer])
        torch.testing.assert_close(
            law.add_qkv_delta(x, static, cores[:, layer]),
            explicit,
            rtol=1e-5,
            atol=1e-5)


def test_padding_tokens_do_not_change_weights():
    law = generator()
    feats = torch.randn(2, 5, LANG)
    mask = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    padded = torch.cat([feats, 100 * torch.randn(2, 4, LANG)], dim=1)
    padded_mask = torch.cat([mask, torch.ones(2, 4, dtype=torch.bool)], 1)
    torch.testing.assert_close(
        law.delta_weights(law(padded, padded_mask)),
        law.delta_weights(law(feats, mask)))
    # Sample 1's real tokens are only its first 3.
    torch.testing.assert_close(law(feats[1:, :3]), law(feats, mask)[1:])


def test_different_expressions_give_different_weights():
    law = generator()
    cores = law(torch.randn(2, 5, LANG))
    assert (cores[0] - cores[1]).abs().max() > 1e-3
    assert (cores[0, 0] - cores[0, 1]).abs().max() > 1e-3  # layer-specific


SHORT_MASK = torch.zeros(2, 4, dtype=torch.bool)
ALL_PADDING = torch.tensor([[False] * 5, [True] * 5])


@pytest.mark.parametrize('feats, mask, match', [
    (torch.randn(2, 5, LANG + 1), None, f'{LANG + 1} channels, expected'),
    (torch.randn(2, 5, LANG), SHORT_MASK, r'\(2, 4\), expected \(2, 5\)'),
    (torch.randn(2, 5, LANG), ALL_PADDING, 'only padding tokens'),
])
def test_bad_inputs_raise(feats, mask, match):
    with pytest.raises(ValueError, match=match):
        generator()(feats, mask)


def test_registered():
    law = MODELS.build(
        dict(
            type='LanguageAdaptiveWeights',
            num_layers=2,
            in_dims=32,
            out_dims=96,
            lang_dims=64,
            num_groups=4))
    assert law.phi_weight.shape == (2, 32 * 32, 64 // 16)
