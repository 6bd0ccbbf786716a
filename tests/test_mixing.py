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
#: base of a head, or no head
PARTS = {
    'BaseBoxHead', 'CellProposalHead', 'ConvStem', 'PointingTokenBranch',
    'ReferenceRefinement', 'ReferencedDecoderBranch', 'Sine2DPositionInit',
    'SimVGDecoderBranch', 'SimVGSetHead', 'SimVGTokenBranch'
}


def synthetic(name: str) -> Config:
    return Config.fromfile(osp.join(ROOT, 'configs', 'synthetic', name))


def without_aids(head: dict) -> dict:
    """The paper's head from a tiny synthetic config's aided one."""
    head = copy.deepcopy(head)
    if head.type == 'SimVGCellHead':
        head.type = 'SimVGHead'
        head.pop('proposal_head', None)
        head.pop('point_weight', None)
        head.decoder_branch.type = 'SimVGDecoderBranch'
        head.token_branch.type = 'SimVGTokenBranch'
        head.token_branch.pop('point_dims', None)
    elif head.type == 'VGLAWCellHead':
        head.type = 'VGLAWHead'
        head.pop('loss_lap', None)
    return head


def head_cfg(name: str) -> dict:
    cfg = HEADS[name]
    if not isinstance(cfg, str):
        return cfg
    head = synthetic(cfg).model.bbox_head
    return head if head.type == name else without_aids(head)


def test_every_exported_head_is_mixed():
    assert set(heads.__all__) | set(aids.__all__) == set(HEADS) | PARTS


@pytest.mark.parametrize('encoder,head',
                         list(itertools.product(ENCODERS, HEADS)))
def test_pair_trains_one_step_and_predicts(encoder, head, synthetic_root):
    # the VG-LAW config's data carry masks, which only its head reads
    data_cfg = synthetic(ENCODERS['VGLAW'])
    cfg = synthetic(ENCODERS[encoder])
    cfg.model.bbox_head = head_cfg(head)
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
