"""Generalized REC (gRefCOCO: 0..N targets per expression) metrics."""
from typing import Dict, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from scipy.optimize import linear_sum_assignment

from mmvg.registry import METRICS
from ..functional import (as_box_tensor, box_ious, check_results,
                          pred_boxes_and_scores, sample_key)


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
    one to ALL target boxes of the sample at IoU >= ``iou_thr``
    (:func:`count_matches`). A target sample is correct when its F1 is 1
    (every kept box matches a target and every target is matched); a
    no-target sample is correct when no box is kept.

    Keys (fractions in [0, 1]): ``Pr@F1=1`` (share of correct samples),
    ``T-acc`` (share of target samples with at least one kept box, i.e. not
    taken for no-target), ``N-acc`` (share of no-target samples with no kept
    box), ``num_samples`` and ``num_no_target``. ``T-acc`` / ``N-acc`` are
    left out when the split has no target / no-target samples.

    Args:
        score_thr: minimum score of a kept box.
        iou_thr: minimum IoU of a matched pair.
        prefix: prefix of the metric names.
        collect_device: device to gather results on in distributed runs.
    """
    default_prefix: Optional[str] = 'GREC'

    def __init__(self,
                 score_thr: float = 0.7,
                 iou_thr: float = 0.5,
                 prefix: Optional[str] = 'GREC',
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.score_thr = score_thr
        self.iou_thr = iou_thr

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
                    num_tp=count_matches(
                        box_ious(kept, gt_boxes), self.iou_thr)))

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
