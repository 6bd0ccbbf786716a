"""Dense cell proposals: reference boxes for a DETR decoder's queries."""
from typing import List, Tuple

import torch
from mmdet.models.layers import MLP
from mmdet.structures.bbox import bbox_xyxy_to_cxcywh
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mmvg.registry import MODELS
from .base_box_head import BaseBoxHead

#: (B, h*w) target distribution over the cells, and per sample the target
#: cells and normalised cxcywh targets.
CellTargets = Tuple[Tensor, List[Tensor], List[Tensor]]


def soft_cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean over rows with any target mass of ``-sum(t * log_softmax)``;
    0 when no row has one (a batch of no-target GREC samples)."""
    keep = targets.sum(-1) > 0
    if not keep.any():
        return logits.sum() * 0
    log_probs = logits[keep].log_softmax(-1).clamp(min=-1e4)
    return -(targets[keep] * log_probs).sum(-1).mean()


@MODELS.register_module()
class CellProposalHead(BaseBoxHead):
    """Score the encoder's visual tokens and regress a box per token.

    The top-scoring cells' boxes become the reference boxes of a DETR
    decoder's queries (the two-stage query selection of Deformable DETR and
    DINO): the decoder then refines a box that already sits on an object,
    which is what lets a small decoder trained from scratch converge (a
    plain DETR query stays at the mean box for many epochs).

    Training: a softmax cross-entropy over the cells whose target spreads
    evenly over the cells holding target centres (one cell for REC, several
    for GREC, samples without targets skipped), and L1 + GIoU on the boxes
    of those cells. Boxes are cxcywh normalised by the batch input, each
    anchored to its cell (:meth:`BaseBoxHead.cell_boxes`).

    Args:
        in_channels: width of the visual tokens.
        loss_weight: weight of the cell cross-entropy.
        loss_bbox, loss_iou: see :class:`BaseBoxHead`.
    """

    def __init__(self, in_channels: int = 768, loss_weight: float = 1.0,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.score = nn.Linear(in_channels, 1)
        self.box_mlp = MLP(in_channels, in_channels, 4, 2)
        self.loss_weight = loss_weight

    def forward(self, tokens: Tensor, hw: Tuple[int, int],
                padding_mask: Tensor) -> Tuple[Tensor, Tensor]:
        """Cell logits (B, h*w), padding at -inf, and boxes (B, h*w, 4)
        from visual tokens (B, h*w, C) and their (B, h*w) padding mask."""
        logits = self.score(tokens).squeeze(-1).masked_fill(
            padding_mask, float('-inf'))
        return logits, self.cell_boxes(self.box_mlp(tokens), hw)

    @staticmethod
    def cell_targets(gt_instances: List[InstanceData],
                     img_metas: List[dict], hw: Tuple[int, int],
                     ref: Tensor) -> CellTargets:
        """Per sample: the cells holding its target centres, as a (B, h*w)
        distribution, and the (cell indices, normalised cxcywh targets)."""
        dist = ref.new_zeros(len(gt_instances), hw[0] * hw[1])
        cells, targets = [], []
        for i, (gt, meta) in enumerate(zip(gt_instances, img_metas)):
            height, width = meta['batch_input_shape']
            scale = ref.new_tensor([width, height, width, height])
            target = bbox_xyxy_to_cxcywh(gt.bboxes.to(ref)) / scale
            index = BaseBoxHead.center_cells(target, hw)
            if len(index):
                dist[i].index_add_(0, index, dist.new_ones(len(index)))
            cells.append(index)
            targets.append(target)
        return dist / dist.sum(-1, keepdim=True).clamp(min=1), cells, targets

    def loss(self, logits: Tensor, boxes: Tensor,
             cell_targets: CellTargets) -> dict:
        """Cell cross-entropy and box losses, keys prefixed ``cell_``, for
        the targets of :meth:`cell_targets`."""
        dist, cells, targets = cell_targets
        picked = torch.cat([box[index] for box, index in zip(boxes, cells)])
        target = torch.cat(targets)
        losses = dict(
            loss_cls=self.loss_weight * soft_cross_entropy(logits, dist))
        if len(target):
            losses.update(self.box_losses(picked, target))
        else:
            losses.update(loss_bbox=boxes.sum() * 0, loss_iou=boxes.sum() * 0)
        return {f'cell_{key}': value for key, value in losses.items()}

    @staticmethod
    def top_boxes(logits: Tensor, boxes: Tensor, num: int,
                  img_metas: List[dict]) -> Tensor:
        """Boxes (B, num, 4) of the ``num`` best cells, detached and
        renormalised by each sample's ``img_shape`` (the DETR convention)."""
        index = logits.topk(num, dim=-1).indices
        top = boxes.detach().gather(1, index[..., None].expand(-1, -1, 4))
        scales = [
            top.new_tensor(meta['batch_input_shape'][::-1]) /
            top.new_tensor(meta['img_shape'][:2][::-1]) for meta in img_metas
        ]
        return top * torch.stack(scales).repeat(1, 2)[:, None]
