"""Contract adapters: PooledVectors (hand-computed pools) and
VLFusionAdapter (TransVG's fusion over any encoder's tokens)."""
import pytest
import torch

from mmvg.models.adapters import PooledVectors, VLFusionAdapter
from mmvg.structures import GroundingFeatures


def features(text=True, **changes) -> GroundingFeatures:
    torch.manual_seed(0)
    values = dict(
        visual=torch.randn(2, 6, 8),
        visual_hw=(2, 3),
        visual_mask=torch.tensor([[False] * 6, [False, False, True] * 2]),
        input_hw=(64, 96))
    if text:
        values.update(
            text=torch.randn(2, 4, 8),
            text_mask=torch.tensor([[False] * 4, [False, False, True, True]]))
    values.update(changes)
    return GroundingFeatures(**values)


def test_pooled_vectors_are_masked_means_or_the_first_token():
    feats = features()
    out = PooledVectors(
        object_token='visual_mean', sentence='text_mean')(
            feats)
    visual, text = feats.visual, feats.text
    expected_object = torch.stack(
        [visual[0].mean(0), visual[1, [0, 1, 3, 4]].mean(0)])
    torch.testing.assert_close(out.object_token, expected_object)
    torch.testing.assert_close(
        out.sentence, torch.stack([text[0].mean(0), text[1, :2].mean(0)]))
    first = PooledVectors(sentence='text_first')(feats)
    assert torch.equal(first.sentence, text[:, 0])
    assert first.object_token is None and first.visual is feats.visual


def test_pooled_vectors_options_are_checked():
    with pytest.raises(
            ValueError,
            match="object_token must be None or "
            "'visual_mean', got 'max'"):
        PooledVectors(object_token='max')
    with pytest.raises(
            ValueError,
            match="sentence must be None, "
            "'text_mean' or 'text_first', got 'cls'"):
        PooledVectors(sentence='cls')
    with pytest.raises(
            ValueError, match=r'PooledVectors needs GroundingFeatures\.text'):
        PooledVectors(sentence='text_mean')(features(text=False))


def fusion_adapter(**kwargs) -> VLFusionAdapter:
    torch.manual_seed(1)
    return VLFusionAdapter(
        fusion=dict(
            type='VLFusionTransformer',
            embed_dims=16,
            num_layers=2,
            num_heads=2,
            ffn_dims=32,
            max_text_len=8,
            dropout=0.),
        **kwargs).eval()


def test_fusion_adapter_fuses_any_width_and_ignores_padding():
    adapter = fusion_adapter(text_dims=8, visual_dims=8)
    feats = features()
    out = adapter(feats)
    assert out.visual.shape == (2, 6, 16) and out.text.shape == (2, 4, 16)
    assert out.object_token.shape == (2, 16)
    assert out.visual_mask is feats.visual_mask and out.visual_hw == (2, 3)
    # padding tokens of sample 1 (a visual column, two text tokens) do not
    # change its [REG] token; an image token does
    visual, text = feats.visual.clone(), feats.text.clone()
    visual[1, [2, 5]] = 100.
    text[1, 2:] = 100.
    again = adapter(feats.replace(visual=visual, text=text))
    torch.testing.assert_close(again.object_token, out.object_token)
    visual[1, 0] = 100.
    changed = adapter(feats.replace(visual=visual))
    assert not torch.allclose(changed.object_token[1], out.object_token[1])


def test_fusion_adapter_projects_only_when_widths_differ():
    assert isinstance(
        fusion_adapter(text_dims=8).visual_proj, torch.nn.Identity)
    assert fusion_adapter(text_dims=8, visual_dims=8).visual_proj.in_features \
        == 8
    with pytest.raises(
            ValueError,
            match=r'VLFusionAdapter needs GroundingFeatures\.text'):
        fusion_adapter(text_dims=8, visual_dims=8)(features(text=False))
