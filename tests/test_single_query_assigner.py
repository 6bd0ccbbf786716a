"""SingleQueryHungarianAssigner answers as mmdet's HungarianAssigner does."""
import pytest
import torch
from mmdet.models.task_modules import HungarianAssigner
from mmengine.structures import InstanceData

from mmvg.models.heads.simvg_set_head import TRAIN_CFG
from mmvg.registry import TASK_UTILS
from mmvg.utils import register_all_modules

register_all_modules()


def make_instances(num_preds: int, num_gts: int, seed: int):
    gen = torch.Generator().manual_seed(seed)
    xy = torch.rand(num_preds, 2, generator=gen) * 60
    preds = InstanceData(
        scores=torch.randn(num_preds, 2, generator=gen),
        bboxes=torch.cat(
            [xy, xy + 5 + torch.rand(num_preds, 2, generator=gen) * 40], 1))
    xy = torch.rand(num_gts, 2, generator=gen) * 60
    gts = InstanceData(
        bboxes=torch.cat(
            [xy, xy + 5 + torch.rand(num_gts, 2, generator=gen) * 40], 1),
        labels=torch.zeros(num_gts, dtype=torch.long))
    return preds, gts


@pytest.mark.parametrize('num_preds,num_gts', [(1, 1), (1, 0), (10, 1),
                                               (10, 3), (3, 10), (10, 0)])
def test_same_assignment_as_hungarian(num_preds, num_gts):
    fast = TASK_UTILS.build(TRAIN_CFG['assigner'])
    assert type(fast).__name__ == 'SingleQueryHungarianAssigner'
    reference = HungarianAssigner(**{
        k: v
        for k, v in TRAIN_CFG['assigner'].items() if k != 'type'
    })
    meta = dict(img_shape=(128, 128))
    for seed in range(5):
        preds, gts = make_instances(num_preds, num_gts, seed)
        got = fast.assign(preds, gts, img_meta=meta)
        want = reference.assign(preds, gts, img_meta=meta)
        assert got.num_gts == want.num_gts
        assert torch.equal(got.gt_inds, want.gt_inds)
        assert torch.equal(got.labels, want.labels)
        assert got.gt_inds.dtype == want.gt_inds.dtype


def test_one_to_one_skips_the_costs(monkeypatch):
    """The 1x1 case must not reach the cost computation (the speed-up)."""
    fast = TASK_UTILS.build(TRAIN_CFG['assigner'])

    def fail(*args, **kwargs):
        raise AssertionError('costs computed for a 1x1 assignment')

    monkeypatch.setattr(fast, 'match_costs', [fail])
    preds, gts = make_instances(1, 1, 0)
    assert fast.assign(
        preds, gts,
        img_meta=dict(img_shape=(128, 128))).gt_inds.tolist() == [1]
    with pytest.raises(AssertionError, match='costs computed'):
        fast.assign(
            *make_instances(2, 1, 0), img_meta=dict(img_shape=(128, 128)))
