"""mmvg registries are children of mmdet's and find both projects' parts."""
from mmdet.models.losses import GIoULoss
from mmdet.models.task_modules import HungarianAssigner

from mmvg.models import PatchCenterHead, TransVG
from mmvg.registry import DATASETS, METRICS, MODELS, TASK_UTILS, TRANSFORMS


def test_registry_scope_and_parents():
    for registry in (MODELS, DATASETS, TRANSFORMS, METRICS, TASK_UTILS):
        assert registry.scope == 'mmvg'
        assert registry.parent.scope == 'mmdet'


def test_mmdet_and_mmvg_names_side_by_side():
    assert MODELS.get('TransVG') is TransVG
    assert MODELS.get('PatchCenterHead') is PatchCenterHead
    assert MODELS.get('GIoULoss') is GIoULoss
    assert MODELS.get('mmdet.GIoULoss') is GIoULoss
    assert TASK_UTILS.get('HungarianAssigner') is HungarianAssigner
    loss = MODELS.build(dict(type='GIoULoss', loss_weight=2.0))
    assert loss.loss_weight == 2.0


def test_mmvg_parts_resolve_from_mmdet_scope():
    assert MODELS.get('mmvg.TransVG') is TransVG
