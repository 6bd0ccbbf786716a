"""Every (encoder, head) pair the registry offers trains one step and
predicts: the GroundingFeatures contract is all a head reads."""
import copy
import itertools
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from test_configs import batch_of, point_at
from utils_cli import ROOT

import mmvg.models.aids as aids
import mmvg.models.heads as heads
from mmvg.registry import MODELS

#: the tiny synthetic config of each encoder (grounder type)
ENCODERS = dict(
    TransVG='transvg_tiny_synthetic.py',
    SimVG='simvg_tiny_synthetic.py',
    VGLAW='vglaw_tiny_synthetic.py')
#: every head, the paper ones and the aids, at the tiny width (128), keyed
#: by its type
HEADS = dict(
    PatchCenterHead=dict(type='PatchCenterHead', in_channels=128),
    RegTokenHead=dict(type='RegTokenHead', in_channels=128),
    SimVGHead='simvg_tiny_synthetic.py',
    SimVGCellHead='simvg_tiny_synthetic.py',
    VGLAWHead='vglaw_tiny_synthetic.py',
    VGLAWCellHead='vglaw_tiny_synthetic.py')
#: what mmvg.models.heads and mmvg.models.aids export that is a part or
#: base of a head, or no head; and the per-scale heads, which read
#: ``GroundingFeatures.scales`` that only a scanning encoder makes (other
#: heads under ScanFormer: tests/test_scanformer.py)
PARTS = {
    'ScaleRegHead', 'ScaleCellHead', 'BaseBoxHead', 'CellProposalLoss',
    'CellProposalQueryGenerator', 'CellProposals', 'ConvStem',
    'PointingTokenBranch', 'ReferenceRefinement', 'ReferencedDecoderBranch',
    'ReferencedQueryDecoder', 'Sine2DPositionInit', 'SimVGDecoderBranch',
    'SimVGSetHead', 'SimVGTokenBranch'
}
#: the parts of a model that go with its head: a DETR-style head reads the
#: queries of its query stage
HEAD_PARTS = ('query_generator', 'decoder', 'bbox_head')


def synthetic(name: str) -> Config:
    return Config.fromfile(osp.join(ROOT, 'configs', 'synthetic', name))


def without_aids(model: dict) -> dict:
    """The paper's model from a tiny synthetic config's aided one."""
    model = copy.deepcopy(model)
    head = model.bbox_head
    if head.type == 'SimVGCellHead':
        head.type = 'SimVGHead'
        head.pop('proposal_loss', None)
        head.pop('point_weight', None)
        head.decoder_branch.type = 'SimVGDecoderBranch'
        head.token_branch.type = 'SimVGTokenBranch'
        head.token_branch.pop('point_dims', None)
        model.query_generator = model.query_generator.query_generator
        model.decoder.type = 'VisualQueryDecoder'
    elif head.type == 'VGLAWCellHead':
        head.type = 'VGLAWHead'
        head.pop('loss_lap', None)
    return model


def head_parts(name: str) -> dict:
    """A head's config and its query stage's (None where it has none)."""
    cfg = HEADS[name]
    if not isinstance(cfg, str):
        return dict(query_generator=None, decoder=None, bbox_head=cfg)
    model = synthetic(cfg).model
    if model.bbox_head.type != name:
        model = without_aids(model)
    return {part: model.get(part) for part in HEAD_PARTS}


def test_every_exported_head_is_mixed():
    assert set(heads.__all__) | set(aids.__all__) == set(HEADS) | PARTS


@pytest.mark.parametrize('encoder,head',
                         list(itertools.product(ENCODERS, HEADS)))
def test_pair_trains_one_step_and_predicts(encoder, head, synthetic_root):
    # the VG-LAW config's data carry masks, which only its head reads
    data_cfg = synthetic(ENCODERS['VGLAW'])
    cfg = synthetic(ENCODERS[encoder])
    for part, part_cfg in head_parts(head).items():
        cfg.model[part] = part_cfg
    cfg.model.data_preprocessor.pad_mask = True
    cfg.train_dataloader, cfg.test_dataloader = (data_cfg.train_dataloader,
                                                 data_cfg.test_dataloader)
    point_at(cfg, synthetic_root)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    train = model.data_preprocessor(
        batch_of(cfg.train_dataloader.dataset), True)
    feats = model.extract_feat(train['inputs'], train['data_samples'])
    # fill what this encoder lacks and the head reads
    model.adapters.append(
        MODELS.build(
            dict(
                type='PooledVectors',
                object_token=None
                if feats.object_token is not None else 'visual_mean',
                sentence=None if feats.sentence is not None else 'text_mean')))
    losses = model.loss(**train)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    # the encoder learns through any head
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.backbone.parameters())

    model.eval()
    test = model.data_preprocessor(batch_of(cfg.test_dataloader.dataset))
    with torch.no_grad():
        results = model.predict(**test)
    expected = cfg.model.bbox_head.get('num_queries', 1)
    for result in results:
        pred = result.pred_instances
        height, width = result.ori_shape
        assert pred.bboxes.shape == (expected, 4)
        assert (pred.bboxes[:, 0::2] <= width).all()
        assert (pred.bboxes[:, 1::2] <= height).all()
        assert ('masks' in pred) == head.startswith('VGLAW')
