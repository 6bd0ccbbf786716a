"""GRECMetric on samples with 0, 1 and 2 targets (score_thr 0.7, IoU 0.5)."""
import pytest
import torch

from mmvg.evaluation import GRECMetric, box_ious, count_matches

A, B = [0., 0., 10., 10.], [20., 20., 30., 30.]
# P1 overlaps A (IoU .9) and B2 (IoU 70/110); P2 overlaps only A (IoU .6,
# with B2 40/110). Greedy-by-IoU pairs P1-A first and leaves P2 unmatched;
# the one-to-one matching P1-B2, P2-A exists.
B2, P1, P2 = [0., 2., 10., 11.], [0., 0., 10., 9.], [0., 0., 10., 6.]


def _sample(key, preds, targets):
    """``preds``: list of (box, score)."""
    return dict(
        ref_id=key,
        sent_id=key,
        ori_shape=(40, 40),
        no_target=not targets,
        pred_instances=dict(
            bboxes=torch.tensor([b for b, _ in preds]).reshape(-1, 4),
            scores=torch.tensor([s for _, s in preds])),
        gt_instances=dict(bboxes=torch.tensor(targets).reshape(-1, 4)))


def test_count_matches_is_one_to_one_and_maximal():
    ious = box_ious([P1, P2], [A, B2])
    assert ious[0, 0] > ious[0, 1] >= 0.5 > ious[1, 1] and ious[1, 0] >= .5
    assert count_matches(ious, 0.5) == 2
    assert count_matches(box_ious([A, A], [A]), 0.5) == 1
    assert count_matches(box_ious([], [A]), 0.5) == 0


def test_grec_pr_t_acc_n_acc():
    samples = [
        # 1 target, spurious box below the score threshold: correct.
        _sample(1, [(A, .9), (B, .69)], [A]),
        # 1 target, spurious box at the threshold is kept: F1 2/3.
        _sample(2, [(A, .9), (B, .7)], [A]),
        # 2 targets both found: correct (uses ALL targets).
        _sample(3, [(A, .8), (B, .8)], [A, B]),
        # 2 targets, one kept box: F1 2/3.
        _sample(4, [(A, .95), (B, .5)], [A, B]),
        # 2 targets, matching needs the one-to-one assignment: correct.
        _sample(5, [(P1, .9), (P2, .9)], [A, B2]),
        # 1 target, nothing kept: wrong, and a T-acc miss.
        _sample(6, [(A, .3)], [A]),
        # No target: nothing predicted / nothing kept: correct.
        _sample(7, [], []),
        _sample(8, [(A, .69)], []),
        # No target but a kept box: wrong.
        _sample(9, [(A, .75)], []),
    ]
    metric = GRECMetric()
    metric.process({}, samples)
    metrics = metric.evaluate(len(samples))
    assert metrics == {
        'GREC/Pr@F1=1': pytest.approx(5 / 9),
        'GREC/T-acc': pytest.approx(5 / 6),
        'GREC/N-acc': pytest.approx(2 / 3),
        'GREC/num_samples': 9,
        'GREC/num_no_target': 3,
    }


def test_grec_without_no_target_samples_has_no_n_acc():
    metric = GRECMetric()
    metric.process({}, [_sample(1, [(A, .9)], [A])])
    assert metric.evaluate(1) == {
        'GREC/Pr@F1=1': 1.0,
        'GREC/T-acc': 1.0,
        'GREC/num_samples': 1,
        'GREC/num_no_target': 0
    }


def test_grec_bad_inputs_raise():
    sample = _sample(1, [(A, .9)], [A])
    sample['no_target'] = True
    with pytest.raises(ValueError, match='no_target=True but 1 target'):
        GRECMetric().process({}, [sample])
    sample = _sample(1, [(A, .9)], [A])
    sample['pred_instances']['scores'] = torch.tensor([.9, .8])
    with pytest.raises(ValueError, match='1 predicted boxes but 2 scores'):
        GRECMetric().process({}, [sample])
    metric = GRECMetric()
    metric.process({}, [_sample(1, [], [])] * 2)
    with pytest.raises(ValueError, match='2 results for 1 distinct'):
        metric.evaluate(2)
