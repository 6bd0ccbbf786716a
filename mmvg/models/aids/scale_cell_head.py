"""ScanFormer's per-scale boxes read at the cell the [REG] token points
at, for tiny scanning models trained from scratch."""
import math
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import bbox_cxcywh_to_xyxy
from torch import Tensor, nn

from mmvg.models.heads import ScaleRegHead
from mmvg.models.layers.patch_selection import expand_to_children
from mmvg.models.utils import cell_boxes, cell_grid, center_cells, take_cells
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures, ScaleOutputs


@MODELS.register_module()
class ScaleCellHead(ScaleRegHead):
    """A :class:`ScaleRegHead` whose scale box is the cell-anchored box of
    the patch its [REG] token points at (query-key product over the
    readable patches), trained at every scale with cross-entropy on the
    cell holding the target centre and the box losses on that cell's box.

    Not in ScanFormer, where the box is regressed from the [REG] token:
    at the size of the tiny synthetic models that regression stays at the
    mean box (as :class:`PatchCenterHead` explains), while pointing at a
    cell learns from the first epochs. Only synthetic configs name it.

    With ``keep_weight`` it also tells the selection what to read: at
    every selected scale the binary cross-entropy between each patch's
    selection score and whether the patch overlaps the target box
    (``loss_keep``, on the scores rather than through the sampled gates,
    so that it also trains while ``SelectionWarmupHook`` reads every
    patch). Without it a selector trained
    from scratch drops the target's patches as often as others, and the
    pointing at the finest scale cannot learn.

    Args:
        in_channels: token width.
        loss_cls: classification loss over the cells.
        keep_weight: weight of ``loss_keep``; 0 leaves it out.
        others: see :class:`ScaleRegHead`.
    """

    def __init__(self,
                 in_channels: int = 256,
                 loss_cls: dict = dict(
                     type='CrossEntropyLoss', loss_weight=1.0),
                 keep_weight: float = 0.0,
                 **kwargs) -> None:
        super().__init__(in_channels=in_channels, **kwargs)
        self.loss_cls = MODELS.build(loss_cls)
        self.keep_weight = keep_weight

    def _init_layers(self, in_channels: int) -> None:
        """Pointing projections and the per-cell box MLP."""
        self.query = nn.Linear(in_channels, in_channels)
        self.key = nn.Linear(in_channels, in_channels)
        self.box_mlp = MLP(in_channels, in_channels, 4, 2)

    def cells(self, reg: Tensor, patches: Tensor, grid: Tuple[int, int],
              read: Tensor) -> Tuple[Tensor, Tensor]:
        """Pointing logits (B, N) (-inf on unreadable cells) and the
        cell-anchored boxes (B, N, 4) of one scale."""
        logits = (self.key(patches) @ self.query(reg)[..., None]).squeeze(-1)
        logits = logits / math.sqrt(reg.shape[-1])
        logits = logits.masked_fill(~read, float('-inf'))
        return logits, cell_boxes(self.box_mlp(patches), grid)

    def scale_box(self, reg: Tensor, patches: Tensor, grid: Tuple[int, int],
                  read: Tensor) -> Tensor:
        logits, boxes = self.cells(reg, patches, grid, read)
        return take_cells(boxes, logits.argmax(-1))

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> dict:
        """The box losses of the centre cell at every scale (weighted as
        :class:`ScaleRegHead` weighs scales), the pointing cross-entropy
        (``loss_cls_s{s}``) and the budget loss."""
        scales = feats.scales
        target = self.gt_targets(data_samples, scales.tokens)
        losses = self.budget_losses(feats)
        for s, weight in enumerate(self.weights_of(scales)):
            logits, boxes = self.cells(scales.tokens[:, s],
                                       scales.patches[s], scales.grids[s],
                                       self.readable(scales, s))
            index = center_cells(target, scales.grids[s])
            picked = take_cells(boxes, index)
            for name, value in self.box_losses(picked, target).items():
                losses[f'{name}_s{s}'] = weight * value
            losses[f'loss_cls_s{s}'] = weight * self.loss_cls(logits, index)
        if self.keep_weight:
            losses['loss_keep'] = self.keep_weight * self.keep_loss(
                scales, target)
        return losses

    @staticmethod
    def keep_loss(scales: ScaleOutputs, target: Tensor) -> Tensor:
        """Mean over the selected scales of the binary cross-entropy
        between the selection scores and whether each patch overlaps the
        (B, 4) normalised cxcywh ``target``, over the present patches whose
        parent was read (where the selection decided)."""
        xyxy = bbox_cxcywh_to_xyxy(target)
        losses = []
        for s in range(1, len(scales.grids)):
            (h, w), parent_grid = scales.grids[s], scales.grids[s - 1]
            cells = cell_grid((h, w), target)
            size = target.new_tensor([w, h])
            low, high = cells / size, (cells + 1) / size
            overlaps = ((low[None] < xyxy[:, None, 2:]) &
                        (high[None] > xyxy[:, None, :2])).all(-1)
            parent_read = expand_to_children(scales.gates[s - 1].detach(),
                                             parent_grid,
                                             h // parent_grid[0]) > 0.5
            decided = scales.present[s] & parent_read
            scores = scales.scores[s].clamp(1e-6, 1 - 1e-6)
            loss = F.binary_cross_entropy(
                scores, overlaps.to(scores.dtype), reduction='none')
            losses.append(loss[decided].sum() / decided.sum().clamp(min=1))
        return torch.stack(losses).mean()
