"""VG-LAW's language-adaptive ViT against the plain ViT."""
import copy

import pytest
import torch

from mmvg.models.backbones.vit import LanguageAdaptiveViT, VisionTransformer

LANG = 64
CONFIGS = {
    'global_cls':
    dict(embed_dims=48, num_heads=3, num_layers=3, img_size=64),
    'vitdet':
    dict(
        embed_dims=48,
        num_heads=3,
        num_layers=4,
        img_size=64,
        with_cls_token=False,
        final_norm=False,
        window_size=2,
        global_attn_indexes=[1, 3],
        use_rel_pos=True,
        rel_pos_grid=8),
}


def build_pair(cfg: dict):
    """A LAW-ViT with random non-trivial ViT weights and the plain ViT."""
    torch.manual_seed(0)
    law_vit = LanguageAdaptiveViT(lang_dims=LANG, num_groups=4, **cfg)
    law_vit.init_weights()
    with torch.no_grad():
        for name, param in law_vit.named_parameters():
            if not name.startswith('law.'):
                param.add_(0.05 * torch.randn_like(param))
    plain = VisionTransformer(**cfg)
    plain.load_state_dict({
        k: v
        for k, v in law_vit.state_dict().items() if not k.startswith('law.')
    })
    return law_vit.eval(), plain.eval()


def randomise_phi(law_vit: LanguageAdaptiveViT) -> None:
    with torch.no_grad():
        law_vit.law.phi_weight.normal_(std=0.5)
        law_vit.law.layer_embeds.normal_()


def max_diff(a, b) -> float:
    return (a - b).abs().max().item()


@pytest.mark.parametrize('name', list(CONFIGS))
def test_zero_phi_equals_plain_vit(name):
    law_vit, plain = build_pair(CONFIGS[name])
    img = torch.randn(2, 3, 80, 64)
    lang = torch.randn(2, 6, LANG)
    with torch.no_grad():
        ours, ours_cls = law_vit(img, lang)
        ref, ref_cls = plain(img)
    assert max_diff(ours, ref) <= 1e-5
    if ref_cls is not None:
        assert max_diff(ours_cls, ref_cls) <= 1e-5


@pytest.mark.parametrize('name', list(CONFIGS))
def test_uses_each_samples_generated_weights(name):
    """Sample b's features = the plain ViT with qkv weights W0 + delta_b."""
    law_vit, plain = build_pair(CONFIGS[name])
    randomise_phi(law_vit)
    img = torch.randn(2, 3, 64, 80)
    lang = torch.randn(2, 6, LANG)
    with torch.no_grad():
        ours, _ = law_vit(img, lang)
        deltas = law_vit.law.delta_weights(law_vit.law(lang))
        for b in range(2):
            adapted = copy.deepcopy(plain)
            for i, block in enumerate(adapted.blocks):
                block.attn.qkv.weight += deltas[b, i]
            ref, _ = adapted(img[b:b + 1])
            assert max_diff(ours[b:b + 1], ref) <= 1e-4
        assert max_diff(ours, plain(img)[0]) > 1e-3


def test_expressions_change_features_and_padding_does_not():
    law_vit, _ = build_pair(CONFIGS['vitdet'])
    randomise_phi(law_vit)
    img = torch.randn(1, 3, 64, 64).expand(3, -1, -1, -1)
    lang = torch.randn(3, 5, LANG)
    lang[2] = lang[0]  # the same expression twice
    with torch.no_grad():
        feats, _ = law_vit(img, lang)
        padded = torch.cat([lang, 50 * torch.randn(3, 3, LANG)], dim=1)
        mask = torch.zeros(3, 8, dtype=torch.bool)
        mask[:, 5:] = True
        padded_feats, _ = law_vit(img, padded, mask)
    assert max_diff(feats[0], feats[1]) > 1e-3
    assert max_diff(feats[0], feats[2]) <= 1e-6
    assert max_diff(feats, padded_feats) <= 1e-5


def test_loads_vit_checkpoint_with_generator_reported_new(tmp_path):
    cfg = CONFIGS['global_cls']
    plain = VisionTransformer(**cfg)
    plain.init_weights()
    path = str(tmp_path / 'vit.pth')
    torch.save({'model': plain.state_dict()}, path)
    law_vit = LanguageAdaptiveViT(
        lang_dims=LANG,
        num_groups=4,
        init_cfg=dict(type='Pretrained', checkpoint=path),
        **cfg)
    law_vit.init_weights()
    for key, value in plain.state_dict().items():
        torch.testing.assert_close(law_vit.state_dict()[key], value)
    assert not law_vit.law.phi_weight.any()
    img, lang = torch.randn(1, 3, 64, 64), torch.randn(1, 4, LANG)
    with torch.no_grad():
        assert max_diff(law_vit.eval()(img, lang)[0],
                        plain.eval()(img)[0]) <= 1e-5


def test_batch_mismatch_raises():
    law_vit, _ = build_pair(CONFIGS['global_cls'])
    with pytest.raises(ValueError, match='2 images but 3 expressions'):
        law_vit(torch.randn(2, 3, 64, 64), torch.randn(3, 4, LANG))


def test_backward_reaches_generator_and_static_weights():
    law_vit = LanguageAdaptiveViT(
        lang_dims=LANG, num_groups=4, drop_path_rate=0.1, **CONFIGS['vitdet'])
    law_vit.init_weights()
    law_vit.train()
    feat_map, _ = law_vit(torch.randn(2, 3, 64, 64), torch.randn(2, 4, LANG))
    feat_map.pow(2).mean().backward()
    assert law_vit.law.phi_weight.grad.abs().sum() > 0  # Phi starts at 0
    assert law_vit.blocks[0].attn.qkv.weight.grad.abs().sum() > 0


def test_runs_under_autocast():
    """The in-place dynamic qkv update must follow autocast's dtype."""
    law_vit, _ = build_pair(CONFIGS['vitdet'])
    randomise_phi(law_vit)
    img, lang = torch.randn(2, 3, 64, 80), torch.randn(2, 5, LANG)
    with torch.no_grad():
        ref, _ = law_vit(img, lang)
        with torch.autocast('cpu', dtype=torch.bfloat16):
            low, _ = law_vit(img, lang)
    assert max_diff(low.float(), ref) <= 0.05 * ref.abs().max()
