"""Referring expression comprehension (REC) accuracy."""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmvg.registry import METRICS
from ..functional import (box_ious, check_results, pred_boxes_and_scores,
                          sample_key)


@METRICS.register_module()
class RECMetric(BaseMetric):
    """Accuracy of the top-scoring box, in original-image pixels.

    A sample is a hit at threshold ``t`` when the IoU of its top-scoring
    predicted box with a target box is >= ``t``; with several target boxes
    (Flickr30k separate GT) matching any one is a hit. A sample without
    predictions is a miss with IoU 0. All values are fractions in [0, 1].

    Keys: ``Acc@<t>`` for each threshold, ``mIoU`` (mean IoU of the top box
    with its best-matching target), ``num_samples``, and for samples carrying
    the ``group_key`` metainfo (a str or a list of str) ``Acc@<t>/<group>``
    and ``num_samples/<group>``.

    Args:
        iou_thrs: IoU thresholds of the reported accuracies.
        group_key: metainfo key naming each sample's expression group(s);
            ``None`` turns the breakdown off.
        prefix: prefix of the metric names.
        collect_device: device to gather results on in distributed runs.
    """
    default_prefix: Optional[str] = 'REC'

    def __init__(self,
                 iou_thrs: Sequence[float] = (0.5, 0.75),
                 group_key: Optional[str] = 'expr_kind',
                 prefix: Optional[str] = 'REC',
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.iou_thrs = tuple(float(t) for t in iou_thrs)
        self.group_key = group_key

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store the best IoU of each sample's top box (and its groups)."""
        for data_sample in data_samples:
            key = sample_key(data_sample)
            gt_boxes = data_sample['gt_instances']['bboxes']
            if len(gt_boxes) == 0:
                raise ValueError(f'REC sample {key} has no target box; '
                                 'use GRECMetric for no-target data.')
            boxes, scores = pred_boxes_and_scores(
                data_sample['pred_instances'], key)
            iou = 0.0
            if len(scores) > 0:
                top = int(scores.argmax())
                iou = float(box_ious(boxes[top:top + 1], gt_boxes).max())
            self.results.append(
                dict(key=key, iou=iou, groups=self._groups(data_sample)))

    def _groups(self, data_sample: dict) -> List[str]:
        """The expression groups a sample belongs to (maybe none)."""
        value = data_sample.get(self.group_key) if self.group_key else None
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    def _accuracies(self, ious: np.ndarray, suffix: str = '') -> dict:
        """Acc@t for each threshold over the given per-sample IoUs."""
        return {
            f'Acc@{t:g}{suffix}': float((ious >= t).mean())
            for t in self.iou_thrs
        }

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Accuracies and mIoU over all samples, then per group."""
        check_results(results, type(self).__name__)
        ious = np.array([r['iou'] for r in results], dtype=np.float64)
        metrics = self._accuracies(ious)
        # counts as floats: mmengine's json log drops numpy integers
        metrics.update(
            mIoU=float(ious.mean()), num_samples=float(len(results)))
        by_group = defaultdict(list)
        for result in results:
            for group in result['groups']:
                by_group[group].append(result['iou'])
        for group in sorted(by_group):
            group_ious = np.array(by_group[group], dtype=np.float64)
            metrics.update(self._accuracies(group_ious, f'/{group}'))
            metrics[f'num_samples/{group}'] = float(len(group_ious))
        return metrics
