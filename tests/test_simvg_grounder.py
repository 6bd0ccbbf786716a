"""The SimVG grounder on a tiny batch: losses, predictions, the
token-branch-only inference (no decoder) and the two-stage (frozen teacher)
mode."""
from unittest import mock

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from mmvg.models.grounders.simvg import SimVG
from mmvg.models.heads.simvg_decoder_branch import SimVGDecoderBranch
from mmvg.models.heads.simvg_head import SimVGHead
from mmvg.models.heads.simvg_token_branch import SimVGTokenBranch
from mmvg.models.layers import TextGuidedQueryGenerator, VisualQueryDecoder
from mmvg.models.losses.dwbd_loss import DWBDLoss
from mmvg.registry import MODELS

DIMS = 32
SMALL = dict(
    in_channels=DIMS, embed_dims=DIMS, num_heads=2, ffn_dims=32, dropout=0.)
#: a teacher to freeze: TQG, the decoder and the decoder branch
TEACHER = ['query_generator', 'decoder', 'bbox_head.decoder_branch']


def head_cfg(num_queries=1, **kwargs):
    cfg = dict(
        type='SimVGHead',
        in_channels=DIMS,
        num_queries=num_queries,
        decoder_branch=dict(type='SimVGDecoderBranch', embed_dims=DIMS),
        token_branch=dict(type='SimVGTokenBranch', embed_dims=DIMS))
    cfg.update(kwargs)
    return cfg


def query_stage(num_queries=1):
    """The model's query_generator (TQG) and decoder configs."""
    return dict(
        query_generator=dict(
            type='TextGuidedQueryGenerator', num_queries=num_queries, **SMALL),
        decoder=dict(type='VisualQueryDecoder', num_layers=2, **SMALL))


def build(spm_path,
          frozen_modules=(),
          make_stage=query_stage,
          make_head=head_cfg,
          **head_kwargs):
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type='SimVG',
            **make_stage(head_kwargs.get('num_queries', 1)),
            frozen_modules=frozen_modules,
            backbone=dict(
                type='BEiT3',
                img_size=32,
                patch_size=16,
                vocab_size=16,
                arch=dict(
                    embed_dims=DIMS, num_layers=1, num_heads=2, mlp_ratio=2.)),
            tokenizer=dict(
                type='BEiT3Tokenizer', spm_path=spm_path, max_length=8),
            bbox_head=make_head(**head_kwargs)))


def samples(boxes_per_sample=(1, 1)):
    """Images 32 x 48 (input) from 16 x 24 originals, targets in input
    pixels."""
    out = []
    for i, num in enumerate(boxes_per_sample):
        sample = DetDataSample(
            metainfo=dict(
                img_shape=(32, 48),
                batch_input_shape=(32, 48),
                ori_shape=(16, 24),
                scale_factor=(2., 2.),
                img_id=i))
        sample.text = ['the red circle', 'the blue square left'][i % 2]
        boxes = torch.tensor([[4., 6., 20., 30.], [30., 2., 44., 12.]])[:num]
        sample.gt_instances = InstanceData(
            bboxes=boxes, labels=torch.zeros(num, dtype=torch.long))
        out.append(sample)
    return out


def test_loss_trains_every_part(spm_path):
    model = build(spm_path)
    assert isinstance(model, SimVG)
    head = model.bbox_head
    assert isinstance(model.query_generator, TextGuidedQueryGenerator)
    assert isinstance(model.decoder, VisualQueryDecoder)
    assert isinstance(head.decoder_branch, SimVGDecoderBranch)
    assert isinstance(head.token_branch, SimVGTokenBranch)
    assert isinstance(head.distill_loss, DWBDLoss)
    losses = model.loss(torch.randn(2, 3, 32, 48), samples())
    for prefix in ('db_', 'db_d0.', 'tb_', 'distill_tb_'):
        assert f'{prefix}loss_bbox' in losses
    assert 0 <= losses['dwbd_weight'] <= 1
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    for part in (model.backbone, model.query_generator, model.decoder,
                 model.bbox_head.decoder_branch, model.bbox_head.token_branch):
        assert any(p.grad is not None and p.grad.abs().sum() > 0
                   for p in part.parameters())


@pytest.mark.parametrize('branch', ['db', 'tb'])
def test_predict_runs_only_the_test_branch(spm_path, branch):
    model = build(spm_path, test_branch=branch).eval()
    decoder, predictor = model.decoder, model.bbox_head.decoder_branch
    with mock.patch.object(
            decoder, 'forward', wraps=decoder.forward) as spy, \
            mock.patch.object(predictor, 'forward',
                              wraps=predictor.forward) as db, torch.no_grad():
        results = model.predict(torch.randn(2, 3, 32, 48), samples())
    assert spy.call_count == db.call_count == (1 if branch == 'db' else 0)
    pred = results[0].pred_instances
    assert pred.bboxes.shape == (1, 4) and pred.scores.shape == (1, )
    # rescaled to the 24 x 16 original image
    assert pred.bboxes[:, 0::2].max() <= 24
    assert pred.bboxes[:, 1::2].max() <= 16


def test_grec_queries_and_no_target_samples(spm_path):
    model = build(spm_path, num_queries=4)
    losses = model.loss(torch.randn(3, 3, 32, 48), samples((2, 0, 1)))
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    with torch.no_grad():
        results = model.predict(torch.randn(1, 3, 32, 48), samples((0, )))
    scores = results[0].pred_instances.scores
    assert scores.shape == (4, ) and torch.all(scores[:-1] >= scores[1:])


def test_frozen_modules_freeze_the_teacher(spm_path):
    model = build(spm_path, frozen_modules=TEACHER)
    head = model.bbox_head
    model.train()
    teacher = (model.query_generator, model.decoder, head.decoder_branch)
    assert not any(part.training for part in teacher)
    assert head.token_branch.training
    with mock.patch.object(
            model.decoder, 'forward', wraps=model.decoder.forward) as spy:
        losses = model.loss(torch.randn(2, 3, 32, 48), samples())
    # the teacher runs (DWBD reads its matches) without autograd
    assert spy.call_count == 1
    assert losses['db_loss_bbox'].grad_fn is None
    assert losses['distill_tb_loss_bbox'].grad_fn is not None
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for part in teacher:
        assert all(not p.requires_grad and p.grad is None
                   for p in part.parameters())
    assert any(p.grad is not None for p in head.token_branch.parameters())
    assert any(p.grad is not None for p in model.backbone.parameters())


def test_decoder_only_stage_one(spm_path):
    """Stage 1 of the released two-stage recipe: no TB, no TB losses."""
    model = build(spm_path, token_branch=None, distill_loss=None).train()
    assert model.bbox_head.token_branch is None
    assert not any('token_branch' in n for n, _ in model.named_parameters())
    losses = model.loss(torch.randn(2, 3, 32, 48), samples())
    # exactly the one-stage model's losses without the TB and DWBD ones
    full = build(spm_path).train().loss(torch.randn(2, 3, 32, 48), samples())
    decoder_only = {
        k
        for k in full
        if not k.startswith('tb_') and 'distill' not in k and 'dwbd' not in k
    }
    assert len(decoder_only) < len(full) and 'db_loss_cls' in decoder_only
    assert set(losses) == decoder_only
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert any(p.grad is not None
               for p in model.bbox_head.decoder_branch.parameters())
    model.eval()
    with torch.no_grad():
        results = model.predict(torch.randn(1, 3, 32, 48), samples((1, )))
    assert results[0].pred_instances.bboxes.shape == (1, 4)


def test_frozen_modules_must_exist(spm_path):
    with pytest.raises(ValueError, match="frozen_modules names 'neck'"):
        build(spm_path, frozen_modules=['neck'])


def test_bad_options_are_refused(spm_path):
    with pytest.raises(ValueError, match='decoder needs a query_generator'):
        MODELS.build(
            dict(
                type='SimVG',
                backbone=dict(type='BEiT3', arch='base'),
                tokenizer=dict(type='BEiT3Tokenizer', spm_path=spm_path),
                decoder=dict(type='VisualQueryDecoder'),
                bbox_head=head_cfg()))
    with pytest.raises(ValueError, match='test_branch'):
        SimVGHead(**{
            k: v
            for k, v in head_cfg(test_branch='x').items() if k != 'type'
        })
    with pytest.raises(ValueError, match="test_branch='tb' needs a token"):
        SimVGHead(
            **{
                k: v
                for k, v in head_cfg(token_branch=None,
                                     test_branch='tb').items() if k != 'type'
            })
