"""GroundingFeatures: shape checks, map views, require() and replace()."""
import pytest
import torch

from mmvg.structures import GroundingFeatures, GroundingQueries


def features(**changes) -> GroundingFeatures:
    values = dict(
        visual=torch.arange(2 * 6 * 3.).view(2, 6, 3),
        visual_hw=(2, 3),
        visual_mask=torch.tensor([[False, False, True] * 2] * 2),
        input_hw=(64, 96),
        text=torch.randn(2, 4, 5),
        text_mask=torch.zeros(2, 4, dtype=torch.bool))
    values.update(changes)
    return GroundingFeatures(**values)


def test_maps_are_row_major_views_of_the_tokens():
    feats = features()
    visual = feats.visual_map()
    assert visual.shape == (2, 3, 2, 3)
    # token row*w + col sits at [row, col] of the map
    assert torch.equal(visual[1, :, 1, 2], feats.visual[1, 1 * 3 + 2])
    assert feats.visual_mask_map()[0].tolist() == [[False, False, True]] * 2


@pytest.mark.parametrize('changes,message', [
    (dict(visual_hw=(2, 2)), r'visual must be \(B, h\*w, C\)'),
    (dict(visual_mask=torch.zeros(2, 6)), r'visual_mask must be a bool'),
    (dict(visual_mask=torch.zeros(2, 2, 3, dtype=torch.bool)),
     r'visual_mask must be a bool tensor of shape \(2, 6\)'),
    (dict(text_mask=None), 'text and text_mask go together'),
    (dict(text_mask=torch.zeros(2, 5, dtype=torch.bool)),
     r'text_mask must be a bool tensor of shape \(2, 4\)'),
    (dict(object_token=torch.randn(3, 3)), r'object_token must be \(B=2'),
    (dict(sentence=torch.randn(2, 1, 5)), r'sentence must be \(B=2'),
])
def test_inconsistent_fields_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        features(**changes)


def test_require_names_the_head_and_the_missing_fields():
    feats = features(object_token=torch.randn(2, 3))
    feats.require('object_token', 'text', by='AnyHead')
    with pytest.raises(
            ValueError,
            match=r'AnyHead needs GroundingFeatures'
            r'\.sentence, which this grounder does not produce'):
        feats.require('object_token', 'sentence', by='AnyHead')


def test_replace_keeps_the_rest_and_checks_again():
    feats = features()
    doubled = feats.replace(visual=feats.visual * 2)
    assert torch.equal(doubled.visual, feats.visual * 2)
    assert doubled.text is feats.text and doubled.input_hw == (64, 96)
    with pytest.raises(ValueError, match='visual must be'):
        feats.replace(visual=torch.zeros(2, 5, 3))


def test_queries_are_checked_and_required_by_dotted_name():
    embed = torch.randn(2, 3, 8)
    queries = GroundingQueries(embed=embed)
    feats = features(queries=queries)
    feats.require('queries', by='MyHead')
    with pytest.raises(
            ValueError,
            match=r'MyHead needs GroundingFeatures\.'
            r'queries\.states, queries\.reference_boxes'):
        feats.require('queries.states', 'queries.reference_boxes', by='MyHead')
    decoded = queries.replace(states=torch.randn(4, 2, 3, 8))
    features(queries=decoded).require('queries.states', by='MyHead')
    with pytest.raises(ValueError, match='queries must have B=2'):
        features(queries=GroundingQueries(embed=torch.randn(1, 3, 8)))


@pytest.mark.parametrize('changes,message', [
    (dict(states=torch.randn(4, 2, 3, 9)), r'states must start with \(2, 3, '
     r'8\)'),
    (dict(reference_boxes=torch.rand(2, 2, 4)), 'reference_boxes must start'),
    (dict(proposal_scores=torch.randn(2, 6)), 'go together'),
    (dict(
        proposal_scores=torch.randn(3, 6), proposal_boxes=torch.rand(
            3, 6, 4)), 'proposal_scores must start with'),
])
def test_bad_queries_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        GroundingQueries(embed=torch.randn(2, 3, 8), **changes)
    with pytest.raises(ValueError, match=r'embed must be \(B, Q, D\)'):
        GroundingQueries(embed=torch.randn(2, 8))
