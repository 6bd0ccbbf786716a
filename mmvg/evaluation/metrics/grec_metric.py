"""Generalized REC (gRefCOCO: 0..N targets per expression) metrics."""
from typing import Dict, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from scipy.optimize import linear_sum_assignment

from mmvg.registry import METRICS
from ..functional import (as_box_tensor, box_ious, check_results,
                          pred_boxes_and_scores, sample_key)

MATCHINGS = ('official', 'iou_hungarian')


def count_greedy_matches(gious: torch.Tensor, iou_thr: float) -> int:
    """True positives of the gRefCOCO evaluation code: at most
    min(num_pred, num_gt) times, take the highest remaining generalized IoU
    (the first in row-major order on ties); stop when it is below
    ``iou_thr``, else count it and set its row and column to 0.

    Greedy: it may leave a target unmatched that a one-to-one assignment
    would match.
    """
    gious = gious.clone()
    matches = 0
    for _ in range(min(gious.shape)):
        flat = int(gious.argmax())
        row, col = divmod(flat, gious.shape[1])
        if gious[row, col] < iou_thr:
            break
        matches += 1
        gious[row, :] = 0.
        gious[:, col] = 0.
    return matches


def count_matches(ious: torch.Tensor, iou_thr: float) -> int:
    """Size of the largest one-to-one matching of predictions to targets
    with IoU >= ``iou_thr`` (Hungarian matching on the thresholded IoUs).

    Unlike greedy matching by IoU, this finds a perfect matching whenever
    one exists, so the result does not depend on box order.
    """
    if ious.numel() == 0:
        return 0
    hits = (ious >= iou_thr).numpy()
    rows, cols = linear_sum_assignment(hits, maximize=True)
    return int(hits[rows, cols].sum())


@METRICS.register_module()
class GRECMetric(BaseMetric):
    """gRefCOCO box metrics, in original-image pixels.

    Predicted boxes with score >= ``score_thr`` are kept and matched one to
    one to ALL target boxes of the sample. A target sample is correct when
    its F1 is 1 (every kept box matches a target and every target is
    matched); a no-target sample is correct when no box is kept.

    ``matching`` says how boxes match:

    - ``'official'`` (default): as the gRefCOCO release's evaluation code
      (``RefExpEvaluator`` of its MDETR), which papers and SimVG's
      repository report: generalized IoU >= ``iou_thr``, greedy,
      highest first (:func:`count_greedy_matches`). Comparable with
      published numbers.
    - ``'iou_hungarian'``: IoU >= ``iou_thr`` with an optimal one-to-one
      assignment (:func:`count_matches`). Never lower than the official
      figure and sometimes higher (GIoU <= IoU; greedy matching can strand
      a target): not comparable with published numbers.

    Keys (fractions in [0, 1]): ``Pr@F1=1`` (share of correct samples),
    ``T-acc`` (share of target samples with at least one kept box, i.e. not
    taken for no-target), ``N-acc`` (share of no-target samples with no kept
    box), ``num_samples`` and ``num_no_target``. ``T-acc`` / ``N-acc`` are
    left out when the split has no target / no-target samples.

    Args:
        score_thr: minimum score of a kept box.
        iou_thr: minimum (generalized) IoU of a matched pair.
        matching: ``'official'`` or ``'iou_hungarian'``.
        prefix: prefix of the metric names.
        collect_device: device to gather results on in distributed runs.
    """
    default_prefix: Optional[str] = 'GREC'

    def __init__(self,
                 score_thr: float = 0.7,
                 iou_thr: float = 0.5,
                 matching: str = 'official',
                 prefix: Optional[str] = 'GREC',
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if matching not in MATCHINGS:
            raise ValueError(f'matching must be one of {MATCHINGS}, got '
                             f'{matching!r}')
        self.score_thr = score_thr
        self.iou_thr = iou_thr
        self.matching = matching

    def count_true_positives(self, kept: torch.Tensor,
                             gt_boxes: torch.Tensor) -> int:
        """Matched pairs of kept boxes and targets under ``matching``."""
        if self.matching == 'official':
            return count_greedy_matches(
                box_ious(kept, gt_boxes, mode='giou'), self.iou_thr)
        return count_matches(box_ious(kept, gt_boxes), self.iou_thr)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store per-sample counts of kept boxes, targets and matches."""
        for data_sample in data_samples:
            key = sample_key(data_sample)
            gt_boxes = as_box_tensor(data_sample['gt_instances']['bboxes'])
            no_target = len(gt_boxes) == 0
            if bool(data_sample.get('no_target', no_target)) != no_target:
                raise ValueError(
                    f'GREC sample {key} has no_target='
                    f'{data_sample["no_target"]} but {len(gt_boxes)} target '
                    'boxes.')
            boxes, scores = pred_boxes_and_scores(
                data_sample['pred_instances'], key)
            kept = boxes[scores >= self.score_thr]
            self.results.append(
                dict(
                    key=key,
                    num_pred=len(kept),
                    num_gt=len(gt_boxes),
                    num_tp=self.count_true_positives(kept, gt_boxes)))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Pr@F1=1, T-acc and N-acc over all samples."""
        check_results(results, type(self).__name__)
        target = [r for r in results if r['num_gt'] > 0]
        no_target = [r for r in results if r['num_gt'] == 0]
        # F1 = 1 <=> every kept box and every target is matched.
        correct = sum(r['num_tp'] == r['num_pred'] == r['num_gt']
                      for r in results)
        metrics = {'Pr@F1=1': correct / len(results)}
        if target:
            metrics['T-acc'] = sum(r['num_pred'] > 0
                                   for r in target) / len(target)
        if no_target:
            metrics['N-acc'] = sum(r['num_pred'] == 0
                                   for r in no_target) / len(no_target)
        metrics.update(
            num_samples=float(len(results)),
            num_no_target=float(len(no_target)))
        return metrics
