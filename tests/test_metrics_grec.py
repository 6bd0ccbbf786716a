"""GRECMetric on samples with 0, 1 and 2 targets (score_thr 0.7, IoU 0.5),
under the official gRefCOCO rule (GIoU, greedy) and the one-to-one IoU
rule; the official rule against a plain-Python restatement of it."""
import random

import pytest
import torch

from mmvg.evaluation import GRECMetric, box_ious, count_matches
from mmvg.evaluation.metrics.grec_metric import count_greedy_matches

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


@pytest.mark.parametrize('matching,correct', [('iou_hungarian', 5),
                                              ('official', 4)])
def test_grec_pr_t_acc_n_acc(matching, correct):
    samples = [
        # 1 target, spurious box below the score threshold: correct.
        _sample(1, [(A, .9), (B, .69)], [A]),
        # 1 target, spurious box at the threshold is kept: F1 2/3.
        _sample(2, [(A, .9), (B, .7)], [A]),
        # 2 targets both found: correct (uses ALL targets).
        _sample(3, [(A, .8), (B, .8)], [A, B]),
        # 2 targets, one kept box: F1 2/3.
        _sample(4, [(A, .95), (B, .5)], [A, B]),
        # 2 targets, matching needs the one-to-one assignment: correct
        # one-to-one, wrong greedily (officially).
        _sample(5, [(P1, .9), (P2, .9)], [A, B2]),
        # 1 target, nothing kept: wrong, and a T-acc miss.
        _sample(6, [(A, .3)], [A]),
        # No target: nothing predicted / nothing kept: correct.
        _sample(7, [], []),
        _sample(8, [(A, .69)], []),
        # No target but a kept box: wrong.
        _sample(9, [(A, .75)], []),
    ]
    metric = GRECMetric(matching=matching)
    metric.process({}, samples)
    metrics = metric.evaluate(len(samples))
    assert metrics == {
        'GREC/Pr@F1=1': pytest.approx(correct / 9),
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


def _pr(matching, preds, targets):
    metric = GRECMetric(matching=matching)
    metric.process({}, [_sample(1, preds, targets)])
    return metric.evaluate(1)['GREC/Pr@F1=1']


def test_the_two_rules_disagree_where_they_should():
    # a box offset diagonally by 1.8 px from a 10 px target: IoU .506,
    # GIoU .460 (the enclosing box adds 6.48 of 139.24 px^2)
    target, box = [0., 0., 10., 10.], [1.8, 1.8, 11.8, 11.8]
    iou, giou = box_ious([box], [target])[0, 0], box_ious([box], [target],
                                                          'giou')[0, 0]
    assert iou == pytest.approx(67.24 / 132.76)
    assert giou == pytest.approx(67.24 / 132.76 - 6.48 / 139.24)
    assert _pr('iou_hungarian', [(box, .9)], [target]) == 1
    assert _pr('official', [(box, .9)], [target]) == 0
    # side by side, same height (GIoU = IoU): greedy takes p0-t0 (9/11)
    # and strands t1 (p1-t1 5/15); one-to-one p0-t1, p1-t0 are 8/12 each
    t0, t1 = [0., 0., 10., 10.], [3., 0., 13., 10.]
    p0, p1 = [1., 0., 11., 10.], [-2., 0., 8., 10.]
    gious = box_ious([p0, p1], [t0, t1], 'giou')
    assert gious.flatten().tolist() == pytest.approx(
        [9 / 11, 8 / 12, 8 / 12, 5 / 15])
    assert count_greedy_matches(gious, .5) == 1
    assert _pr('iou_hungarian', [(p0, .9), (p1, .9)], [t0, t1]) == 1
    assert _pr('official', [(p0, .9), (p1, .9)], [t0, t1]) == 0


def _giou(a, b):
    """Generalized IoU of two xyxy boxes, by its definition."""
    inter = max(0.,
                min(a[2], b[2]) - max(a[0], b[0])) * max(
                    0.,
                    min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] -
                                                             b[1]) - inter
    hull = (max(a[2], b[2]) - min(a[0], b[0])) * (
        max(a[3], b[3]) - min(a[1], b[1]))
    return inter / union - (hull - union) / hull


def _official(samples, score_thr=.7, iou_thr=.5):
    """The gRefCOCO evaluation loop restated from its published description
    in plain Python: keep boxes scored >= 0.7; no-target samples are right
    when none is kept; otherwise match greedily by the highest remaining
    GIoU >= 0.5 (its row and column then set to 0) and count F1 == 1."""
    correct, nt_tp, nt_fn, t_tn, t_fp = 0, 0, 0, 0, 0
    for preds, targets in samples:
        kept = [box for box, score in preds if score >= score_thr]
        if not targets:
            nt_tp, nt_fn = nt_tp + (not kept), nt_fn + bool(kept)
            correct += not kept
            continue
        t_tn, t_fp = t_tn + bool(kept), t_fp + (not kept)
        table = [[_giou(p, t) for t in targets] for p in kept]
        tp = 0
        for _ in range(min(len(kept), len(targets))):
            best, i, j = max((v, i, j) for i, row in enumerate(table)
                             for j, v in enumerate(row))
            if best < iou_thr:
                break
            tp += 1
            table[i] = [0.] * len(targets)
            for row in table:
                row[j] = 0.
        fp, fn = len(kept) - tp, len(targets) - tp
        correct += 2 * tp / (2 * tp + fp + fn) == 1
    return dict(
        pr=correct / len(samples),
        t_acc=t_tn / (t_tn + t_fp),
        n_acc=nt_tp / (nt_tp + nt_fn))


def _random_box(rng, near=None):
    if near is not None and rng.random() < .7:
        x1, y1, x2, y2 = near
        jitter = [rng.uniform(-4, 4) for _ in range(4)]
        box = [x1 + jitter[0], y1 + jitter[1], x2 + jitter[2], y2 + jitter[3]]
    else:
        x, y = rng.uniform(0, 80), rng.uniform(0, 80)
        box = [x, y, x + rng.uniform(4, 30), y + rng.uniform(4, 30)]
    return [box[0], box[1], max(box[2], box[0] + 1), max(box[3], box[1] + 1)]


@pytest.mark.parametrize('seed', range(4))
def test_official_rule_equals_the_restated_loop(seed):
    rng = random.Random(seed)
    differs = 0  # sets the one-to-one IoU rule scores otherwise
    for _ in range(60):  # 240 random prediction sets in all
        samples = []
        for _ in range(rng.randint(3, 8)):
            targets = [
                _random_box(rng) for _ in range(rng.choice([0, 0, 1, 2, 3]))
            ]
            preds = [(_random_box(rng,
                                  rng.choice(targets) if targets else None),
                      rng.choice([.69, .7, .71, .9, .3]))
                     for _ in range(rng.randint(0, 4))]
            samples.append((preds, targets))
        if all(t for _, t in samples) or not any(t for _, t in samples):
            samples.append(([], []))
            samples.append(([(_random_box(rng), .9)], [_random_box(rng)]))
        expected = _official(samples)
        scored = {}
        for matching in ('official', 'iou_hungarian'):
            metric = GRECMetric(matching=matching)
            metric.process({}, [
                _sample(i, preds, targets)
                for i, (preds, targets) in enumerate(samples)
            ])
            scored[matching] = metric.evaluate(len(samples))
        metrics = scored['official']
        assert metrics['GREC/Pr@F1=1'] == pytest.approx(expected['pr'])
        assert metrics['GREC/T-acc'] == pytest.approx(expected['t_acc'])
        assert metrics['GREC/N-acc'] == pytest.approx(expected['n_acc'])
        other = scored['iou_hungarian']['GREC/Pr@F1=1']
        assert other >= metrics['GREC/Pr@F1=1'] - 1e-12
        differs += other != pytest.approx(expected['pr'])
    # the sets tell the rules apart
    assert differs > 0


def test_unknown_matching_is_refused():
    with pytest.raises(ValueError, match='matching must be one of'):
        GRECMetric(matching='greedy')
