"""SimVG's TQG, decoder, decoder branch and token branch: shapes and the
Hungarian set loss on a hand-made case."""
import pytest
import torch
from mmengine.structures import InstanceData

from mmvg.models.heads.simvg_decoder_branch import SimVGDecoderBranch
from mmvg.models.heads.simvg_token_branch import SimVGTokenBranch
from mmvg.models.layers import VisualQueryDecoder
from mmvg.models.layers.simvg_tqg import (TextGuidedQueryGenerator,
                                          last_tokens_max_pool,
                                          masked_max_pool, text_positions)
from mmvg.structures import GroundingFeatures, GroundingQueries

DIMS = 32


def tqg(text_guided=True, num_queries=3, **kwargs):
    return TextGuidedQueryGenerator(
        num_queries=num_queries,
        in_channels=48,
        embed_dims=DIMS,
        num_heads=4,
        ffn_dims=64,
        dropout=0.,
        text_guided=text_guided,
        **kwargs)


def features(visual=None,
             mask=None,
             hw=(2, 4),
             queries=None,
             object_token=None,
             text=None,
             text_mask=None) -> GroundingFeatures:
    """Contract features of 2 samples over an (h, w) grid."""
    num = hw[0] * hw[1]
    return GroundingFeatures(
        visual=torch.randn(2, num, 48) if visual is None else visual,
        visual_hw=hw,
        visual_mask=torch.zeros(2, num, dtype=bool) if mask is None else mask,
        input_hw=(32, 64),
        text=text,
        text_mask=text_mask,
        object_token=object_token,
        queries=queries)


def test_masked_max_pool_ignores_padding():
    tokens = torch.tensor([[[1., 5.], [3., 2.], [9., 9.]]])
    mask = torch.tensor([[False, False, True]])
    assert masked_max_pool(tokens, mask).tolist() == [[3., 5.]]


def test_last_tokens_max_pool():
    tokens = torch.tensor([[[9., 9.], [1., 5.], [3., 2.]]]).repeat(2, 1, 1)
    mask = torch.tensor([[False] * 3, [False, False, True]])
    # no padding: the last token; padding: max of the last two
    assert last_tokens_max_pool(tokens, mask).tolist() == [[3., 2.], [3., 5.]]


def test_text_positions():
    pos = text_positions(3, 6, torch.zeros(1))
    p = torch.arange(3.)
    expected = torch.stack([p.sin(), p.cos()] +
                           [torch.zeros(3), torch.ones(3)] * 2, 1)
    assert torch.equal(pos, expected)


@pytest.mark.parametrize('text_pool', ['official', 'masked_max'])
def test_tqg_queries_depend_on_the_text(text_pool):
    torch.manual_seed(0)
    module = tqg(text_pool=text_pool).eval()
    text = torch.randn(2, 5, 48)
    mask = torch.tensor([[False] * 5, [False, False, True, True, True]])
    queries = module.generate(text, mask)
    assert queries.shape == (2, 3, DIMS)
    changed = text.clone()
    changed[1, 2] = 100.  # padding outside the pool: no effect
    assert torch.allclose(
        module.generate(changed, mask)[1], queries[1], atol=1e-5)
    changed[1, 4] = 100.  # the last token: pooled by 'official' only
    assert torch.allclose(
        module.generate(changed, mask)[1], queries[1], atol=1e-5) == (
            text_pool == 'masked_max')
    changed[1, 0] = 5.
    assert not torch.allclose(module.generate(changed, mask)[1], queries[1])
    # as a grounder's query generator: the contract's text in, queries out
    out = module(features(text=text, text_mask=mask))
    assert isinstance(out, GroundingQueries) and out.states is None
    assert torch.equal(out.embed, queries)
    with pytest.raises(
            ValueError,
            match='TextGuidedQueryGenerator needs '
            'GroundingFeatures.text'):
        module(features())


def test_tqg_rejects_unknown_pool():
    with pytest.raises(ValueError, match='text_pool'):
        tqg(text_pool='mean')


def test_tqg_off_returns_the_learned_embedding():
    module = tqg(text_guided=False)
    queries = module.generate(
        torch.randn(2, 5, 48), torch.zeros(2, 5, dtype=bool))
    assert torch.equal(queries[0], module.query_embed.weight)
    assert not hasattr(module, 'decoder')


def metas(batch=2, img_shape=(64, 96), input_shape=(64, 128)):
    return [
        dict(
            img_shape=img_shape,
            batch_input_shape=input_shape,
            scale_factor=(2., 2.),
            ori_shape=(32, 48))
    ] * batch


def test_decoder_shapes_and_padding_mask():
    torch.manual_seed(0)
    decoder = VisualQueryDecoder(
        in_channels=48,
        embed_dims=DIMS,
        num_layers=3,
        num_heads=4,
        ffn_dims=64,
        dropout=0.).eval()
    visual = torch.randn(2, 2 * 4, 48)
    # the last of 4 patch columns is padding
    mask = torch.tensor([[False, False, False, True] * 2] * 2)
    queries = GroundingQueries(embed=torch.randn(2, 3, DIMS))
    states = decoder(features(visual, mask), queries)
    assert states.shape == (3, 2, 3, DIMS)
    # padded patches do not change the result; unpadded ones do
    changed = visual.clone().view(2, 2, 4, 48)
    changed[:, :, 3] = 50.
    changed = changed.view(2, 8, 48)
    assert torch.allclose(
        decoder(features(changed, mask), queries), states, atol=1e-5)
    assert not torch.allclose(
        decoder(features(changed), queries), states, atol=1e-3)
    # the query embeddings are the positions: they change the states
    assert not torch.allclose(
        decoder(
            features(visual, mask), queries.replace(embed=queries.embed * 2)),
        states,
        atol=1e-3)


def test_decoder_branch_reads_every_layer_of_the_states():
    torch.manual_seed(0)
    branch = SimVGDecoderBranch(embed_dims=DIMS, num_queries=3)
    states = torch.randn(3, 2, 3, DIMS)
    feats = features(queries=GroundingQueries(embed=states[0], states=states))
    cls, boxes = branch(feats)
    assert cls.shape == (3, 2, 3, 2) and boxes.shape == (3, 2, 3, 4)
    assert torch.equal(cls, branch.fc_cls(states))
    assert torch.equal(boxes, branch.fc_reg(states).sigmoid())
    with pytest.raises(ValueError, match='queries.states'):
        branch(features(queries=GroundingQueries(embed=states[0])))


def token_features(token, queries):
    return features(
        object_token=token, queries=GroundingQueries(embed=queries))


@pytest.mark.parametrize('num_token_mlp_layers', [0, 1, 2])
def test_token_branch_shapes(num_token_mlp_layers):
    head = SimVGTokenBranch(
        in_channels=48,
        embed_dims=DIMS,
        num_queries=3,
        num_token_mlp_layers=num_token_mlp_layers)
    cls, boxes = head(
        token_features(torch.randn(2, 48), torch.randn(2, 3, DIMS)))
    assert cls.shape == (1, 2, 3, 2) and boxes.shape == (1, 2, 3, 4)


def test_token_branch_adds_the_query_before_its_mlp():
    torch.manual_seed(0)
    head = SimVGTokenBranch(in_channels=48, embed_dims=DIMS, num_queries=3)
    token, queries = torch.randn(2, 48), torch.randn(2, 3, DIMS)
    linear = head.token_mlp.layers[0]  # one Linear, no activation
    assert len(head.token_mlp.layers) == 1
    hidden = linear(head.token_proj(token)[:, None] + queries)
    cls, boxes = head(token_features(token, queries))
    assert torch.allclose(cls[0], head.fc_cls(hidden), atol=1e-6)
    assert torch.allclose(boxes[0], head.fc_reg(hidden).sigmoid(), atol=1e-6)
    with pytest.raises(ValueError, match='object_token'):
        head(features(queries=GroundingQueries(embed=queries)))


def test_hungarian_set_loss_by_hand():
    """Query 1 is near the target, query 0 far: query 1 is matched."""
    head = SimVGTokenBranch(in_channels=8, embed_dims=8, num_queries=2)
    logits = torch.tensor([[[[0., 1.], [2., 0.]]]])  # (L, B, Q, 2)
    boxes = torch.tensor([[[[.1, .1, .05, .05], [.5, .5, .2, .2]]]])
    # target cxcywh (.5, .5, .4, .4) in a 100 x 200 (h x w) image
    gt = InstanceData(
        bboxes=torch.tensor([[60., 30., 140., 70.]]), labels=torch.tensor([0]))
    meta = dict(img_shape=(100, 200))
    losses = head.set_losses(logits, boxes, [gt], [meta], prefix='x_')
    ce = torch.nn.functional.cross_entropy
    expected_cls = (ce(logits[0, 0, 1:], torch.tensor([0])) +
                    0.1 * ce(logits[0, 0, :1], torch.tensor([1]))) / 1.1
    assert losses['x_loss_cls'].item() == pytest.approx(
        expected_cls.item(), rel=1e-5)
    assert losses['x_loss_bbox'].item() == pytest.approx(
        5 * (.2 + .2), rel=1e-5)
    # predicted box inside the target: GIoU = IoU = .04 / .16
    assert losses['x_loss_iou'].item() == pytest.approx(
        2 * (1 - .25), rel=1e-5)


def test_no_target_sample_is_all_background():
    head = SimVGTokenBranch(in_channels=8, embed_dims=8, num_queries=2)
    logits = torch.tensor([[[[0., 1.], [2., 0.]]]])
    boxes = torch.rand(1, 1, 2, 4)
    empty = InstanceData(
        bboxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long))
    losses = head.set_losses(
        logits, boxes, [empty], [dict(img_shape=(8, 8))], prefix='')
    ce = torch.nn.functional.cross_entropy
    # DETR divides by max(positives + 0.1 x negatives, 1)
    expected = 0.1 * ce(logits[0, 0], torch.tensor([1, 1]), reduction='sum')
    assert losses['loss_cls'].item() == pytest.approx(
        expected.item(), rel=1e-5)
    assert losses['loss_bbox'].item() == 0


def test_sigmoid_classification_is_refused():
    with pytest.raises(ValueError, match='softmax'):
        SimVGTokenBranch(
            loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True))
