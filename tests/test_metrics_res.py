"""RESMetric on 10x10 masks with hand-counted pixels."""
import numpy as np
import pytest
import torch
from mmdet.structures.mask import BitmapMasks

from mmvg.evaluation import RESMetric

SHAPE = (10, 10)


def _mask(rows, cols):
    mask = np.zeros(SHAPE, dtype=bool)
    mask[rows, cols] = True
    return mask


def _sample(key, pred_masks, scores, gt_masks):
    return dict(
        ref_id=key,
        sent_id=0,
        ori_shape=SHAPE,
        pred_instances=dict(
            bboxes=torch.zeros(len(scores), 4),
            scores=torch.tensor(scores),
            masks=torch.from_numpy(
                np.array(pred_masks, dtype=bool).reshape(-1, *SHAPE))),
        gt_instances=dict(bboxes=torch.zeros(1, 4), masks=gt_masks))


def _evaluate(samples, **kwargs):
    metric = RESMetric(**kwargs)
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_res_miou_oiou_and_precisions():
    top = _mask(slice(0, 5), slice(0, 5))  # 25 px inside the target
    samples = [
        # Target = union of two GT masks, rows 0-4 (50 px); the top-scoring
        # of two predictions is used: I = 25, U = 50, IoU 0.5.
        _sample(
            1, [_mask(slice(0, 5), slice(None)), top], [0.2, 0.9],
            BitmapMasks([
                _mask(slice(0, 2), slice(None)),
                _mask(slice(2, 5), slice(None))
            ], *SHAPE)),
        # Target row 9 (10 px), prediction 8 px of it: IoU 0.8.
        _sample(2, [_mask(9, slice(0, 8))], [0.5],
                torch.from_numpy(_mask(9, slice(None))[None])),
        # Disjoint 4 px squares: I = 0, U = 8.
        _sample(3, [_mask(slice(5, 7), slice(5, 7))], [0.5],
                _mask(slice(0, 2), slice(0, 2))[None]),
    ]
    metrics = _evaluate(samples)
    assert metrics['RES/mIoU'] == pytest.approx((0.5 + 0.8 + 0) / 3)
    assert metrics['RES/oIoU'] == pytest.approx((25 + 8) / (50 + 10 + 8))
    assert [metrics[f'RES/Prec@{t}'] for t in (0.5, 0.6, 0.7, 0.8, 0.9)] == \
        pytest.approx([2 / 3, 1 / 3, 1 / 3, 1 / 3, 0])
    assert metrics['RES/num_samples'] == 3


def test_res_empty_prediction_of_empty_target_is_correct():
    empty = _sample(1, [], [], BitmapMasks([], *SHAPE))
    empty['gt_instances']['bboxes'] = torch.zeros(0, 4)
    metrics = _evaluate([empty])
    assert metrics['RES/mIoU'] == 1.0 and metrics['RES/oIoU'] == 1.0


@pytest.mark.parametrize('change, error', [
    (lambda s: s['pred_instances'].pop('masks'), 'no predicted `masks`'),
    (lambda s: s['gt_instances'].pop('masks'), 'no GT `masks`'),
    (lambda s: s['pred_instances'].update(masks=torch.zeros(1, 5, 5).bool()),
     'differ in size'),
    (lambda s: s['pred_instances'].update(masks=torch.zeros(1, *SHAPE)),
     'must be binary'),
])
def test_res_bad_inputs_raise(change, error):
    sample = _sample(1, [_mask(0, 0)], [1.0], _mask(0, 0)[None])
    change(sample)
    with pytest.raises((KeyError, TypeError, ValueError), match=error):
        RESMetric().process({}, [sample])


def test_res_rejects_duplicate_samples():
    sample = _sample(1, [_mask(0, 0)], [1.0], _mask(0, 0)[None])
    with pytest.raises(ValueError, match='duplicated'):
        _evaluate([sample, sample])
