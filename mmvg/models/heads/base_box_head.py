"""Shared target, loss and rescale logic of single-box REC heads."""
from typing import List, Tuple

import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import (bbox_cxcywh_to_xyxy, bbox_xyxy_to_cxcywh,
                                   get_box_tensor)
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.models.utils import box_losses
from mmvg.registry import MODELS


class BaseBoxHead(BaseModule):
    """Base of heads that predict one box per expression (REC).

    Boxes are handled as ``cxcywh`` normalised by the padded batch input
    (``batch_input_shape``), so ``sigmoid`` outputs cover the whole input.

    Args:
        loss_bbox: L1 loss config (on normalised cxcywh).
        loss_iou: IoU loss config (on normalised xyxy).
    """

    def __init__(self,
                 loss_bbox: dict = dict(type='L1Loss', loss_weight=5.0),
                 loss_iou: dict = dict(type='GIoULoss', loss_weight=2.0),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_iou = MODELS.build(loss_iou)

    @staticmethod
    def _input_scale(sample: DetDataSample, ref: Tensor) -> Tensor:
        height, width = sample.metainfo['batch_input_shape']
        return ref.new_tensor([width, height, width, height])

    def gt_targets(self, data_samples: List[DetDataSample],
                   ref: Tensor) -> Tensor:
        """Normalised cxcywh of each sample's target, shape (B, 4).

        A REC sample must have a target; with several (Flickr30k
        separateGT phrases) the first one is trained on.
        """
        targets = []
        for sample in data_samples:
            boxes = get_box_tensor(sample.gt_instances.bboxes)
            if boxes.shape[0] == 0:
                raise ValueError(
                    'A REC head got a sample without a target box '
                    f'(img_path={sample.metainfo.get("img_path")}, '
                    f'ref_id={sample.metainfo.get("ref_id")}, '
                    f'sent_id={sample.metainfo.get("sent_id")}); use a GREC '
                    'head for no-target data.')
            box = boxes[0].to(ref) / self._input_scale(sample, ref)
            targets.append(bbox_xyxy_to_cxcywh(box))
        return torch.stack(targets)

    def box_losses(self, pred: Tensor, target: Tensor) -> dict:
        """L1 on normalised cxcywh and IoU loss on xyxy, both (B, 4)."""
        return box_losses(self.loss_bbox, self.loss_iou, pred, target)

    def to_instances(self, boxes: Tensor, scores: Tensor,
                     data_samples: List[DetDataSample],
                     rescale: bool) -> List[InstanceData]:
        """Turn normalised cxcywh (B, K, 4) and scores (B, K) into
        per-sample ``InstanceData`` in input or original-image pixels."""
        results = []
        for box, score, sample in zip(boxes, scores, data_samples):
            xyxy = bbox_cxcywh_to_xyxy(box) * self._input_scale(sample, box)
            if rescale:
                xyxy = self.rescale(xyxy, sample)
            results.append(
                InstanceData(
                    bboxes=xyxy,
                    scores=score,
                    labels=score.new_zeros(score.shape, dtype=torch.long)))
        return results

    @staticmethod
    def rescale(boxes: Tensor, sample: DetDataSample) -> Tensor:
        """Map input-pixel boxes to original-image pixels (undo resize)."""
        w_scale, h_scale = sample.metainfo['scale_factor']
        boxes = boxes / boxes.new_tensor([w_scale, h_scale, w_scale, h_scale])
        height, width = sample.metainfo['ori_shape']
        limits: Tuple[float, ...] = (width, height, width, height)
        return torch.minimum(boxes.clamp(min=0), boxes.new_tensor(limits))
