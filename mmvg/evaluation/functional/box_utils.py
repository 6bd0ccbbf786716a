"""Box helpers shared by the box metrics."""
from typing import Any, Hashable, Mapping, Tuple

import torch
from mmdet.structures.bbox import BaseBoxes, bbox_overlaps, get_box_tensor


def as_box_tensor(boxes: Any) -> torch.Tensor:
    """Return boxes (tensor, mmdet ``BaseBoxes``, array or list) as an
    (N, 4) float64 xyxy tensor.

    float64 keeps IoU values of pixel-aligned boxes exact at thresholds.
    """
    if not isinstance(boxes, (torch.Tensor, BaseBoxes)):
        boxes = torch.as_tensor(boxes)
    tensor = get_box_tensor(boxes).detach().cpu().to(torch.float64)
    if tensor.numel() == 0:
        return tensor.reshape(0, 4)
    if tensor.ndim != 2 or tensor.shape[1] != 4:
        raise ValueError(f'Boxes must have shape (N, 4), got '
                         f'{tuple(tensor.shape)}.')
    return tensor


def box_ious(pred_boxes: Any,
             gt_boxes: Any,
             mode: str = 'iou') -> torch.Tensor:
    """IoU (or, with ``mode='giou'``, generalized IoU) matrix (num_pred,
    num_gt) of xyxy boxes in the same pixels."""
    return bbox_overlaps(
        as_box_tensor(pred_boxes), as_box_tensor(gt_boxes), mode=mode)


def pred_boxes_and_scores(pred: Mapping,
                          key: Hashable) -> Tuple[torch.Tensor, torch.Tensor]:
    """The (N, 4) boxes and (N, ) scores of ``pred_instances`` on the CPU,
    checked to pair up; ``key`` names the sample in the error."""
    boxes = as_box_tensor(pred['bboxes'])
    scores = torch.as_tensor(pred['scores']).detach().cpu().reshape(-1)
    if len(boxes) != len(scores):
        raise ValueError(f'Sample {key} has {len(boxes)} predicted boxes but '
                         f'{len(scores)} scores.')
    return boxes, scores
