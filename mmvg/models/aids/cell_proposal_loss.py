"""The losses of the cell proposals (:class:`CellProposals`)."""
from typing import Optional

import torch
from mmengine.model import BaseModule
from torch import Tensor

from mmvg.models.losses import soft_cross_entropy
from mmvg.models.utils import CellTargets, box_losses
from mmvg.registry import MODELS


@MODELS.register_module()
class CellProposalLoss(BaseModule):
    """A softmax cross-entropy over the cells whose target spreads evenly
    over the cells holding target centres (one cell for REC, several for
    GREC, samples without targets skipped), and L1 + GIoU on the boxes of
    those cells; keys prefixed ``cell_``. Computed by the head, as mmdet's
    DINO head computes its encoder proposals' losses.

    Args:
        loss_weight: weight of the cell cross-entropy.
        loss_bbox: L1 loss config (on normalised cxcywh).
        loss_iou: IoU loss config (on normalised xyxy).
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 loss_bbox: dict = dict(type='L1Loss', loss_weight=5.0),
                 loss_iou: dict = dict(type='GIoULoss', loss_weight=2.0),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.loss_weight = loss_weight
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_iou = MODELS.build(loss_iou)

    def forward(self, logits: Tensor, boxes: Tensor,
                cell_targets: CellTargets) -> dict:
        """Losses of cell logits (B, N) and boxes (B, N, 4) for the targets
        of :func:`mmvg.models.utils.cell_targets`."""
        dist, cells, targets = cell_targets
        picked = torch.cat([box[index] for box, index in zip(boxes, cells)])
        target = torch.cat(targets)
        losses = dict(loss_cls=self.loss_weight *
                      soft_cross_entropy(logits, dist))
        if len(target):
            losses.update(
                box_losses(self.loss_bbox, self.loss_iou, picked, target))
        else:
            losses.update(loss_bbox=boxes.sum() * 0, loss_iou=boxes.sum() * 0)
        return {f'cell_{key}': value for key, value in losses.items()}
