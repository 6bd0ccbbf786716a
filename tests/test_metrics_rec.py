"""RECMetric on hand-computed IoUs (GT box [0, 0, 10, 10], area 100)."""
import pytest
import torch
from mmdet.structures.bbox import HorizontalBoxes

from mmvg.evaluation import RECMetric

GT = [[0., 0., 10., 10.]]


def _sample(key, pred_boxes, scores, gt_boxes=GT, **meta):
    return dict(
        ref_id=key,
        sent_id=key,
        ori_shape=(40, 40),
        no_target=False,
        pred_instances=dict(
            bboxes=torch.tensor(pred_boxes,
                                dtype=torch.float32).reshape(-1, 4),
            scores=torch.tensor(scores, dtype=torch.float32)),
        gt_instances=dict(bboxes=HorizontalBoxes(torch.tensor(gt_boxes))),
        **meta)


def _evaluate(metric, samples):
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_rec_thresholds_top_box_multi_gt_and_groups():
    samples = [
        # Box heights h give IoU h / 10 with GT.
        _sample(1, [[0, 0, 10, 5.1]], [0.9], expr_kind='attribute'),  # .51
        _sample(2, [[0, 0, 10, 4.9]], [0.9], expr_kind='attribute'),  # .49
        _sample(3, [[0, 0, 10, 7.6]], [0.9], expr_kind='spatial'),  # .76
        _sample(4, [[0, 0, 10, 7.4]], [0.9]),  # .74, no group
        # Only the top-scoring box counts, not the better one.
        _sample(
            5, [[0, 0, 10, 4.9], [0, 0, 10, 10]], [0.9, 0.3],
            expr_kind='spatial'),  # .49
        # Two GT boxes: matching the second one is a hit.
        _sample(
            6, [[20, 20, 30, 28]], [0.8],
            gt_boxes=[[0, 0, 10, 10], [20, 20, 30, 30]],
            expr_kind='relational'),  # .8
        _sample(7, [], [], expr_kind='relational'),  # no prediction: 0
    ]
    metrics = _evaluate(RECMetric(), samples)
    assert metrics['REC/Acc@0.5'] == pytest.approx(4 / 7)
    assert metrics['REC/Acc@0.75'] == pytest.approx(2 / 7)
    assert metrics['REC/mIoU'] == pytest.approx(
        (.51 + .49 + .76 + .74 + .49 + .8 + 0) / 7, abs=1e-6)
    assert metrics['REC/num_samples'] == 7
    assert metrics['REC/Acc@0.5/attribute'] == 0.5
    assert metrics['REC/Acc@0.75/attribute'] == 0.
    assert metrics['REC/Acc@0.5/spatial'] == 0.5
    assert metrics['REC/Acc@0.75/spatial'] == 0.5
    assert metrics['REC/Acc@0.5/relational'] == 0.5
    assert metrics['REC/num_samples/relational'] == 2
    assert not any('None' in k for k in metrics)


def test_rec_iou_exactly_at_threshold_is_a_hit_and_prefix_changes():
    metric = RECMetric(iou_thrs=(0.5, ), group_key=None, prefix='val')
    metrics = _evaluate(metric, [_sample(1, [[0, 0, 10, 5]], [1.0])])
    assert metrics == {
        'val/Acc@0.5': 1.0,
        'val/mIoU': 0.5,
        'val/num_samples': 1
    }


def test_rec_rejects_duplicates_and_missing_targets():
    samples = [_sample(1, [[0, 0, 10, 10]], [1.0])] * 2 + [
        _sample(2, [[0, 0, 10, 10]], [1.0])
    ]
    with pytest.raises(ValueError, match=r'3 results for 2 distinct'):
        _evaluate(RECMetric(), samples)
    with pytest.raises(ValueError, match='no target box'):
        RECMetric().process({}, [_sample(1, [[0, 0, 1, 1]], [1.], [])])


def test_rec_keeps_one_result_per_sample_so_padding_is_truncated():
    # A distributed sampler pads the last batch with repeated samples;
    # mmengine's collect_results drops everything past the split size.
    first = _sample(1, [[0, 0, 10, 10]], [1.0])
    metric = RECMetric()
    metric.process({}, [first, _sample(2, [], []), first])
    metrics = metric.evaluate(2)
    assert metrics['REC/num_samples'] == 2
    assert metrics['REC/Acc@0.5'] == 0.5
