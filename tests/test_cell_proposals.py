"""CellProposalHead (targets, losses, reference boxes), the decoder
branch's reference refinement and the token branch's pointing scores (the
SimVG aids)."""
import torch
from mmengine.structures import InstanceData

from mmvg.models.aids import (CellProposalHead, PointingTokenBranch,
                              ReferencedDecoderBranch)
from mmvg.models.losses import soft_cross_entropy
from mmvg.models.utils import cell_boxes, cell_targets

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
    head = CellProposalHead(in_channels=8)
    tokens = torch.randn(2, 8, 8, requires_grad=True)
    logits, boxes = head(tokens, (2, 4), torch.zeros(2, 8, dtype=bool))
    targets = [gt([0., 0., 20., 20.]), gt()]
    losses = head.loss(logits, boxes,
                       cell_targets(targets, [META] * 2, (2, 4), boxes))
    assert set(losses) == {'cell_loss_cls', 'cell_loss_bbox', 'cell_loss_iou'}
    expected = head.box_losses(
        boxes[0, [0]], torch.tensor([[10 / 128, 10 / 64, 20 / 128, 20 / 64]]))
    assert torch.isclose(losses['cell_loss_bbox'], expected['loss_bbox'])
    assert torch.isclose(losses['cell_loss_cls'],
                         -logits[0].log_softmax(-1)[0])
    empty = head.loss(logits, boxes,
                      cell_targets([gt(), gt()], [META] * 2, (2, 4), boxes))
    assert all(value == 0 for value in empty.values())
    sum(empty.values()).backward()  # still a graph: DDP sees every param


def test_top_boxes_are_renormalised_to_img_shape():
    logits = torch.tensor([[0., 5., 1.]])
    boxes = torch.tensor([[[.1, .1, .1, .1], [.5, .5, .25, .5],
                           [.2, .2, .2, .2]]])
    top = CellProposalHead.top_boxes(logits, boxes, 2, [META])
    # width 128 of the input is 96 of the image: x and w grow by 4/3
    assert torch.allclose(top[0, 0], torch.tensor([.5 * 4 / 3, .5, 1 / 3, .5]))
    assert torch.allclose(top[0, 1],
                          torch.tensor([.2 * 4 / 3, .2, .2 * 4 / 3, .2]))


def test_decoder_branch_refines_its_reference_boxes():
    torch.manual_seed(0)
    head = ReferencedDecoderBranch(
        in_channels=8,
        embed_dims=16,
        num_layers=2,
        num_heads=2,
        ffn_dims=32,
        dropout=0.,
        num_queries=2).eval()
    ref = torch.tensor([[[.3, .4, .2, .1], [.7, .6, .5, .5]]])
    head.init_weights()
    no_padding = torch.zeros(1, 4, dtype=torch.bool)
    _, boxes = head(
        torch.randn(1, 4, 8), (2, 2), torch.randn(1, 2, 16), no_padding, ref)
    # a zero refinement returns the references at every layer
    assert torch.allclose(boxes, ref.expand(2, -1, -1, -1), atol=1e-6)


def test_token_branch_refines_its_reference_boxes():
    torch.manual_seed(0)
    branch = PointingTokenBranch(
        in_channels=8, embed_dims=16, point_dims=4, num_queries=2)
    branch.init_weights()
    ref = torch.tensor([[[.3, .4, .2, .1], [.7, .6, .5, .5]]])
    _, boxes = branch(torch.randn(1, 8), torch.randn(1, 2, 16), ref)
    assert torch.allclose(boxes[0], ref, atol=1e-6)
    # the reference is embedded into the hidden state: it changes scores
    cls1, _ = branch(torch.zeros(1, 8), torch.zeros(1, 2, 16), ref)
    cls2, _ = branch(torch.zeros(1, 8), torch.zeros(1, 2, 16), ref / 2)
    assert not torch.allclose(cls1, cls2)


def test_token_branch_points_with_the_object_token():
    torch.manual_seed(0)
    branch = PointingTokenBranch(in_channels=8, embed_dims=16, point_dims=4)
    patches = torch.randn(2, 6, 8)
    mask = torch.zeros(2, 6, dtype=bool)
    mask[1, 4:] = True
    logits = branch.point_logits(torch.randn(2, 8), patches, mask)
    assert logits.shape == (2, 6) and torch.isinf(logits[1, 4:]).all()
    token = branch.point_token.weight.new_zeros(2, 8)
    token[0] = 1.
    expected = (
        branch.point_patch(patches[0]) @ branch.point_token(token[0])) / 2.
    assert torch.allclose(
        branch.point_logits(token, patches, mask)[0], expected, atol=1e-6)


def test_position_read_out_targets_cell_centres_and_the_target():
    branch = PointingTokenBranch(in_channels=4, embed_dims=8, point_dims=4)
    with torch.no_grad():  # read channels 0 and 1 as (x, y)
        branch.point_xy.weight.copy_(torch.eye(4)[:2])
        branch.point_xy.bias.zero_()
    # a 2 x 3 grid: centres x in (1/6, 1/2, 5/6), y in (1/4, 3/4)
    xy = torch.tensor([[x, y] for y in (.25, .75) for x in (1 / 6, .5, 5 / 6)])
    patches = torch.cat([xy, torch.randn(6, 2)], dim=-1).expand(2, -1, -1)
    token = torch.tensor([[.3, .6, 5., 5.], [9., 9., 0., 0.]])
    centres = torch.tensor([[.3, .6], [float('nan'), float('nan')]])
    mask = torch.zeros(2, 6, dtype=bool)
    dist = torch.zeros(2, 6)
    dist[0, 4] = 1
    losses = branch.point_losses(token, patches, mask, dist, centres, (2, 3))
    # exact read-outs; the second token (no single target) is left out
    assert losses['loss_point_xy'].abs() < 1e-6
    assert torch.isclose(
        losses['loss_point'],
        -branch.point_logits(token, patches, mask)[0].log_softmax(-1)[4])
    token[0, 0] = .5  # 0.2 off in x: one of 2 * 6 * 2 + 2 values
    losses = branch.point_losses(token, patches, mask, dist, centres, (2, 3))
    assert torch.isclose(losses['loss_point_xy'], torch.tensor(.2 / 26))
