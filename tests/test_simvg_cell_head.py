"""SimVGCellHead, the SimVG aids together: cell proposals as the decoder
queries' references, the TB's pointing and its references, two-stage
freezing."""
from unittest import mock

import pytest
import torch
from test_simvg_grounder import TEACHER, build, head_cfg, query_stage, samples

from mmvg.models.aids import SimVGCellHead
from mmvg.models.utils import cell_targets


def aided_stage(num_queries=1):
    """:func:`query_stage` with cell proposals and referenced decoding."""
    stage = query_stage(num_queries)
    stage['query_generator'] = dict(
        type='CellProposalQueryGenerator',
        query_generator=stage['query_generator'],
        in_channels=stage['query_generator']['in_channels'])
    stage['decoder']['type'] = 'ReferencedQueryDecoder'
    return stage


def aided_head_cfg(**kwargs):
    """:func:`head_cfg` with the aids' head and branches."""
    cfg = dict(head_cfg(**kwargs), type='SimVGCellHead')
    cfg['decoder_branch']['type'] = 'ReferencedDecoderBranch'
    cfg['token_branch'].update(type='PointingTokenBranch', point_dims=8)
    return cfg


def build_aided(spm_path, **kwargs):
    return build(
        spm_path, make_stage=aided_stage, make_head=aided_head_cfg, **kwargs)


def test_training_aids_add_their_losses_and_train(spm_path):
    model = build_aided(spm_path)
    losses = model.loss(torch.randn(2, 3, 32, 48), samples())
    for key in ('cell_loss_cls', 'cell_loss_bbox', 'tb_loss_point',
                'tb_loss_point_xy', 'db_loss_bbox', 'tb_loss_bbox'):
        assert torch.isfinite(losses[key]), key
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for part in (model.query_generator.proposals, model.decoder.ref_embed,
                 model.bbox_head.token_branch.point_token):
        assert any(p.grad is not None and p.grad.abs().sum() > 0
                   for p in part.parameters())
    # GREC: several, one and no targets
    grec = build_aided(spm_path, num_queries=3)
    losses = grec.loss(torch.randn(3, 3, 32, 48), samples((2, 0, 1)))
    assert all(torch.isfinite(v) for v in losses.values())


def test_point_weight_scales_the_pointing_losses(spm_path):
    inputs, data = torch.randn(2, 3, 32, 48), samples()
    one = build_aided(spm_path).loss(inputs, data)
    half = build_aided(spm_path, point_weight=0.5).loss(inputs, data)
    for key in ('tb_loss_point', 'tb_loss_point_xy'):
        torch.testing.assert_close(half[key], one[key] / 2)
    torch.testing.assert_close(half['db_loss_bbox'], one['db_loss_bbox'])


@pytest.mark.parametrize('branch', ['db', 'tb'])
def test_training_aids_predict_with_either_branch(spm_path, branch):
    model = build_aided(spm_path, test_branch=branch).eval()
    proposals = model.query_generator.proposals
    with mock.patch.object(
            proposals, 'forward',
            wraps=proposals.forward) as scored, mock.patch.object(
                model.decoder, 'forward',
                wraps=model.decoder.forward) as decoder, torch.no_grad():
        results = model.predict(torch.randn(2, 3, 32, 48), samples())
    # both branches refine proposals, computed once; TB skips the decoder
    assert scored.call_count == 1
    assert decoder.call_count == (1 if branch == 'db' else 0)
    assert results[0].pred_instances.bboxes.shape == (1, 4)


@pytest.mark.parametrize('num_queries', [1, 3])
def test_token_branch_refines_the_pointed_cells_boxes(spm_path, num_queries):
    model = build_aided(spm_path, num_queries=num_queries).eval()
    head = model.bbox_head
    head.token_branch.init_weights()  # a zero refinement
    inputs, data = torch.randn(2, 3, 32, 48), samples()
    metas = [sample.metainfo for sample in data]
    with torch.no_grad():
        feats = model.features(inputs, data)
        _, tb_boxes = head(feats, metas, branch='tb')['tb']
        cells = head.token_branch.point_logits(
            feats.object_token, feats.visual,
            feats.visual_mask).topk(num_queries).indices
        cell_boxes = feats.queries.proposal_boxes
    expected = torch.stack(
        [boxes[index] for boxes, index in zip(cell_boxes, cells)])
    assert torch.allclose(tb_boxes[0], expected, atol=1e-5)
    # training refines the target cells' boxes first, whatever it points at
    data = samples((2, 0) if num_queries > 1 else (1, 1))
    with mock.patch.object(
            head.token_branch, 'forward',
            wraps=head.token_branch.forward) as spy:
        losses = model.loss(inputs, data)
    refs = spy.call_args.args[1]
    targets = cell_targets([sample.gt_instances for sample in data], metas,
                           feats.visual_hw, feats.visual)[1]
    for ref, boxes, cells in zip(refs, cell_boxes, targets):
        assert torch.allclose(ref[:len(cells)].sort(0).values,
                              boxes[cells].detach().sort(0).values)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert head.token_branch.ref_embed.layers[0].weight.grad.abs().sum() > 0


def test_a_frozen_teacher_freezes_the_proposals_too(spm_path):
    model = build_aided(spm_path, frozen_modules=TEACHER).train()
    proposals = model.query_generator.proposals
    assert not proposals.training
    assert not any(p.requires_grad for p in proposals.parameters())
    losses = model.loss(torch.randn(2, 3, 32, 48), samples())
    assert losses['cell_loss_cls'].grad_fn is None
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in proposals.parameters())


def test_the_paper_token_branch_and_plain_queries_are_refused(spm_path):
    cfg = {k: v for k, v in aided_head_cfg().items() if k != 'type'}
    cfg['token_branch'] = dict(type='SimVGTokenBranch')
    with pytest.raises(
            TypeError, match='needs a PointingTokenBranch as token_branch'):
        SimVGCellHead(**cfg)
    plain = build(spm_path, make_head=aided_head_cfg)
    with pytest.raises(ValueError, match='CellProposalQueryGenerator'):
        plain.loss(torch.randn(2, 3, 32, 48), samples())
