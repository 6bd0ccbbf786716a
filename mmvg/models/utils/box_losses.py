"""The L1 + IoU pair of box losses that DETR-style heads use."""
from mmdet.structures.bbox import bbox_cxcywh_to_xyxy
from torch import Tensor, nn


def box_losses(loss_bbox: nn.Module, loss_iou: nn.Module, pred: Tensor,
               target: Tensor) -> dict:
    """``loss_bbox`` on normalised cxcywh and ``loss_iou`` on xyxy, both
    (N, 4)."""
    return dict(
        loss_bbox=loss_bbox(pred, target),
        loss_iou=loss_iou(
            bbox_cxcywh_to_xyxy(pred), bbox_cxcywh_to_xyxy(target)))
