"""ScanFormer's per-scale boxes read at the cell the [REG] token points
at, for tiny scanning models trained from scratch."""
import math
from typing import List, Tuple

from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from torch import Tensor, nn

from mmvg.models.heads import ScaleRegHead
from mmvg.models.utils import cell_boxes, center_cells, take_cells
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures


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

    Args:
        in_channels: token width.
        loss_cls: classification loss over the cells.
        others: see :class:`ScaleRegHead`.
    """

    def __init__(self,
                 in_channels: int = 256,
                 loss_cls: dict = dict(
                     type='CrossEntropyLoss', loss_weight=1.0),
                 **kwargs) -> None:
        super().__init__(in_channels=in_channels, **kwargs)
        self.loss_cls = MODELS.build(loss_cls)

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
        return losses
