"""Cell proposals (targets, losses, reference boxes, the query generator
that selects them), the decoder's reference embedding, the branches'
reference refinement and the token branch's pointing scores (the SimVG
aids)."""
import pytest
import torch
from mmengine.structures import InstanceData

from mmvg.models.aids import (CellProposalLoss, CellProposalQueryGenerator,
                              CellProposals, PointingTokenBranch,
                              ReferencedDecoderBranch, ReferencedQueryDecoder)
from mmvg.models.losses import soft_cross_entropy
from mmvg.models.utils import box_losses, cell_boxes, cell_targets
from mmvg.structures import GroundingFeatures, GroundingQueries

META = dict(img_shape=(64, 96), batch_input_shape=(64, 128))


def gt(*boxes):
    return InstanceData(
        bboxes=torch.tensor(boxes, dtype=torch.float32).view(-1, 4),
        labels=torch.zeros(len(boxes), dtype=torch.long))


def test_cell_boxes_are_anchored_to_their_cells():
    raw = torch.zeros(1, 6, 4)  # sigmoid 0.5: cell centre, half the input
    boxes = cell_boxes(raw, (2, 3))
    assert torch.allclose(boxes[0, :, 0], torch.tensor([1, 3, 5] * 2) / 6.)
    assert torch.allclose(boxes[0, :, 1],
                          torch.tensor([1.] * 3 + [3.] * 3) / 4.)
    assert torch.allclose(boxes[0, :, 2:], torch.full((6, 2), 0.5))


def test_cell_targets_spread_over_target_centres():
    # a 2x4 grid over a 64x128 input: cells are 32x32
    one = gt([0., 0., 20., 20.])  # centre (10, 10): 0
    two = gt([40., 40., 60., 60.], [96., 0., 128., 32.])  # cells 5 and 3
    dist, cells, targets = cell_targets([one, two, gt()], [META] * 3, (2, 4),
                                        torch.zeros(1))
    assert cells[0].tolist() == [0] and cells[1].tolist() == [5, 3]
    assert dist[0].tolist() == [1., 0, 0, 0, 0, 0, 0, 0]
    assert dist[1].tolist() == [0, 0, 0, .5, 0, .5, 0, 0]
    assert dist[2].sum() == 0 and len(targets[2]) == 0
    assert torch.allclose(
        targets[0], torch.tensor([[10 / 128, 10 / 64, 20 / 128, 20 / 64]]))


def test_soft_cross_entropy_by_hand_and_without_targets():
    logits = torch.tensor([[0., 0., 0., 0.], [1., 2., 3., 4.]])
    targets = torch.tensor([[0., 1., 0., 0.], [0., 0., 0., 0.]])
    # only the first row counts: -log(1/4)
    assert torch.isclose(
        soft_cross_entropy(logits, targets), torch.log(torch.tensor(4.)))
    assert soft_cross_entropy(logits, torch.zeros(2, 4)) == 0
    masked = logits.clone()
    masked[0, 3] = float('-inf')  # padding cell, no target on it
    assert torch.isclose(
        soft_cross_entropy(masked, targets), torch.log(torch.tensor(3.)))


def test_losses_pick_the_target_cells_and_allow_no_targets():
    torch.manual_seed(0)
    proposals, loss = CellProposals(in_channels=8), CellProposalLoss()
    tokens = torch.randn(2, 8, 8, requires_grad=True)
    logits, boxes = proposals(tokens, (2, 4), torch.zeros(2, 8, dtype=bool))
    targets = [gt([0., 0., 20., 20.]), gt()]
    losses = loss(logits, boxes,
                  cell_targets(targets, [META] * 2, (2, 4), boxes))
    assert set(losses) == {'cell_loss_cls', 'cell_loss_bbox', 'cell_loss_iou'}
    expected = box_losses(
        loss.loss_bbox, loss.loss_iou, boxes[0, [0]],
        torch.tensor([[10 / 128, 10 / 64, 20 / 128, 20 / 64]]))
    assert torch.isclose(losses['cell_loss_bbox'], expected['loss_bbox'])
    assert torch.isclose(losses['cell_loss_cls'],
                         -logits[0].log_softmax(-1)[0])
    empty = loss(logits, boxes,
                 cell_targets([gt(), gt()], [META] * 2, (2, 4), boxes))
    assert all(value == 0 for value in empty.values())
    sum(empty.values()).backward()  # still a graph: DDP sees every param


def test_top_boxes_are_renormalised_to_img_shape():
    logits = torch.tensor([[0., 5., 1.]])
    boxes = torch.tensor([[[.1, .1, .1, .1], [.5, .5, .25, .5],
                           [.2, .2, .2, .2]]])
    top = CellProposals.top_boxes(logits, boxes, 2, [META])
    # width 128 of the input is 96 of the image: x and w grow by 4/3
    assert torch.allclose(top[0, 0], torch.tensor([.5 * 4 / 3, .5, 1 / 3, .5]))
    assert torch.allclose(top[0, 1],
                          torch.tensor([.2 * 4 / 3, .2, .2 * 4 / 3, .2]))


def features(queries=None, num=4, hw=(2, 2)):
    return GroundingFeatures(
        visual=torch.randn(1, num, 8),
        visual_hw=hw,
        visual_mask=torch.zeros(1, num, dtype=torch.bool),
        input_hw=(64, 128),
        text=torch.randn(1, 3, 8),
        text_mask=torch.zeros(1, 3, dtype=torch.bool),
        object_token=torch.randn(1, 8),
        queries=queries)


REF = torch.tensor([[[.3, .4, .2, .1], [.7, .6, .5, .5]]])


def test_query_generator_selects_the_best_cells_as_references():
    torch.manual_seed(0)
    generator = CellProposalQueryGenerator(
        dict(
            type='TextGuidedQueryGenerator',
            num_queries=2,
            in_channels=8,
            embed_dims=16,
            num_heads=2,
            ffn_dims=32),
        in_channels=8).eval()
    feats = features(num=8, hw=(2, 4))
    queries = generator(feats, [META])
    logits, boxes = generator.proposals(feats.visual, feats.visual_hw,
                                        feats.visual_mask)
    assert torch.equal(queries.embed,
                       generator.query_generator(feats, [META]).embed)
    assert torch.equal(queries.proposal_scores, logits)
    assert torch.equal(queries.proposal_boxes, boxes)
    assert torch.equal(queries.reference_boxes,
                       CellProposals.top_boxes(logits, boxes, 2, [META]))


def test_decoder_embeds_the_reference_boxes():
    torch.manual_seed(0)
    decoder = ReferencedQueryDecoder(
        in_channels=8,
        embed_dims=16,
        num_layers=2,
        num_heads=2,
        ffn_dims=32,
        dropout=0.).eval()
    queries = GroundingQueries(
        embed=torch.randn(1, 2, 16), reference_boxes=REF)
    feats = features()
    states = decoder(feats, queries)
    assert states.shape == (2, 1, 2, 16)
    moved = decoder(feats, queries.replace(reference_boxes=REF / 2))
    assert not torch.allclose(states, moved)
    with pytest.raises(ValueError, match='reference_boxes'):
        decoder(feats, GroundingQueries(embed=queries.embed))


def test_decoder_branch_refines_its_reference_boxes():
    torch.manual_seed(0)
    head = ReferencedDecoderBranch(embed_dims=16, num_queries=2).eval()
    head.init_weights()
    states = torch.randn(2, 1, 2, 16)
    queries = GroundingQueries(
        embed=states[0], states=states, reference_boxes=REF)
    _, boxes = head(features(queries))
    # a zero refinement returns the references at every layer
    assert torch.allclose(boxes, REF.expand(2, -1, -1, -1), atol=1e-6)


def test_token_branch_refines_its_reference_boxes():
    torch.manual_seed(0)
    branch = PointingTokenBranch(
        in_channels=8, embed_dims=16, point_dims=4, num_queries=2)
    branch.init_weights()
    feats = features(GroundingQueries(embed=torch.randn(1, 2, 16)))
    _, boxes = branch(feats, REF)
    assert torch.allclose(boxes[0], REF, atol=1e-6)
    # the reference is embedded into the hidden state: it changes scores
    zero = feats.replace(
        object_token=torch.zeros(1, 8),
        queries=GroundingQueries(embed=torch.zeros(1, 2, 16)))
    cls1, _ = branch(zero, REF)
    cls2, _ = branch(zero, REF / 2)
    assert not torch.allclose(cls1, cls2)
