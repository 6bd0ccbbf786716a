"""Referring expression segmentation (RES) metrics."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmvg.registry import METRICS
from ..functional import (check_results, sample_key, select_pred_mask,
                          union_mask)


@METRICS.register_module()
class RESMetric(BaseMetric):
    """Mask IoU metrics of RES, in original-image pixels.

    The predicted mask of a sample is its only mask or the top-scoring one;
    the target is the union of its GT masks. Per sample only the
    intersection and union pixel counts are kept, so results stay small when
    gathered across ranks.

    Keys (fractions in [0, 1]): ``mIoU`` (mean of per-sample IoUs; a sample
    whose predicted and target masks are both empty has IoU 1), ``oIoU``
    (total intersection / total union over the split), ``Prec@<t>`` (share
    of samples with IoU >= t) for each threshold, ``num_samples``.

    Args:
        iou_thrs: thresholds of the ``Prec@<t>`` values.
        prefix: prefix of the metric names.
        collect_device: device to gather results on in distributed runs.
    """
    default_prefix: Optional[str] = 'RES'

    def __init__(self,
                 iou_thrs: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9),
                 prefix: Optional[str] = 'RES',
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.iou_thrs = tuple(float(t) for t in iou_thrs)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store intersection and union pixel counts of each sample."""
        for data_sample in data_samples:
            key = sample_key(data_sample)
            pred, gt = data_sample['pred_instances'], data_sample[
                'gt_instances']
            if 'masks' not in pred:
                raise KeyError(f'RES sample {key} has no predicted `masks`; '
                               'the model must predict masks.')
            if 'masks' not in gt and len(gt['bboxes']) > 0:
                raise KeyError(f'RES sample {key} has no GT `masks`; load '
                               'them with `LoadAnnotations(with_mask=True)`.')
            shape = tuple(data_sample['ori_shape'][:2])
            pred_mask = select_pred_mask(pred['masks'], pred['scores'], shape)
            gt_mask = union_mask(gt.get('masks'), shape)
            if pred_mask.shape != gt_mask.shape:
                raise ValueError(f'RES sample {key}: predicted mask '
                                 f'{pred_mask.shape} and GT mask '
                                 f'{gt_mask.shape} differ in size; both '
                                 'must be in original-image pixels.')
            self.results.append(
                dict(
                    key=key,
                    intersection=int(np.logical_and(pred_mask, gt_mask).sum()),
                    union=int(np.logical_or(pred_mask, gt_mask).sum())))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """mIoU, oIoU and Prec@t over all samples."""
        check_results(results, type(self).__name__)
        inter = np.array([r['intersection'] for r in results], np.float64)
        union = np.array([r['union'] for r in results], np.float64)
        # Both masks empty: a correct "nothing" prediction, IoU 1.
        ious = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
        metrics = dict(
            mIoU=float(ious.mean()),
            oIoU=float(inter.sum() / union.sum()) if union.sum() else 1.0)
        metrics.update(
            {f'Prec@{t:g}': float((ious >= t).mean())
             for t in self.iou_thrs})
        metrics['num_samples'] = float(len(results))
        return metrics
