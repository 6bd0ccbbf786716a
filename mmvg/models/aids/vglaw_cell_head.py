"""VG-LAW's head reading the box at a cell, with positions and LAP
supervision."""
from typing import Dict, List, Tuple

from mmdet.models.layers import SinePositionalEncoding
from mmdet.structures import DetDataSample
from torch import Tensor

from mmvg.models.heads import VGLAWHead
from mmvg.models.utils import cell_boxes, center_cells, take_cells
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures


@MODELS.register_module()
class VGLAWCellHead(VGLAWHead):
    """:class:`VGLAWHead` for small models trained from scratch (not in the
    paper):

    - a 2-D sine position encoding is added to the visual map before both
      branches read it: in a small ViT trained from scratch the last
      features keep little position, so "the bottom shape" cannot be told
      from "the top shape" (the paper's pretrained ViT keeps it);
    - the box MLP reads a box anchored to each cell from that cell's
      feature; training uses the box of the cell holding the target's
      centre, inference the cell of the largest pooling weight (hard
      pooling): the pooled feature carries little absolute position, so a
      small model regresses a mean box from it;
    - ``loss_lap``: the cell holding the target's centre is the class of a
      cross-entropy over the pooling weights, which trains that choice.

    Args:
        loss_lap: loss on the log pooling weights (B, h*w) and the target
            cells (B,).
        others: see :class:`VGLAWHead`.
    """

    def __init__(self,
                 *args,
                 loss_lap: dict = dict(
                     type='CrossEntropyLoss', loss_weight=1.0),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.position = SinePositionalEncoding(
            num_feats=self.in_channels // 2, normalize=True)
        self.loss_lap = MODELS.build(loss_lap)

    def visual_map(self, feats: GroundingFeatures) -> Tuple[Tensor, Tensor]:
        """The map with sine positions added."""
        visual, mask = super().visual_map(feats)
        return visual + self.position(mask), mask

    def read_boxes(self, visual: Tensor, pooled: Tensor,
                   weights: Tensor) -> Dict[str, Tensor]:
        """``boxes`` (B, 4) of the cell with the largest pooling weight and
        every cell's box, ``cell_boxes`` (B, h*w, 4)."""
        cells = cell_boxes(
            self.box_mlp(visual.flatten(2).transpose(1, 2)),
            tuple(weights.shape[-2:]))
        top = weights.flatten(1).argmax(-1)
        return dict(boxes=take_cells(cells, top), cell_boxes=cells)

    def rec_losses(self, outputs: Dict[str, Tensor],
                   data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        """L1 + GIoU of the target cell's box, and ``loss_lap``."""
        weights = outputs['lap_weights']
        target = self.gt_targets(data_samples, outputs['boxes'])
        index = center_cells(target, weights.shape[-2:])
        losses = self.box_losses(
            take_cells(outputs['cell_boxes'], index), target)
        losses['loss_lap'] = self.loss_lap(
            weights.flatten(1).clamp(min=1e-12).log(), index)
        return losses
