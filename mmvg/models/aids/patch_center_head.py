"""Dense REC head: which fused patch holds the target centre, and its box."""
from typing import List, Tuple

from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mmvg.models.heads import BaseBoxHead
from mmvg.models.utils import cell_boxes, center_cells, take_cells
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures


@MODELS.register_module()
class PatchCenterHead(BaseBoxHead):
    """Score every fused visual token and regress a box from each.

    Training: cross-entropy over the tokens, the target being the token
    whose cell holds the ground-truth centre; box losses on that token's box.
    Inference: the box of the top-scoring token. This direct patch
    supervision is what makes small grounders learn from scratch, where
    plain [REG] regression stays at the mean box (the paper heads, e.g.
    :class:`mmvg.models.heads.RegTokenHead`, regress one box).

    Each token predicts a box anchored to its cell
    (:func:`mmvg.models.utils.cell_boxes`).

    Args:
        in_channels: token width.
        loss_cls: classification loss over tokens.
        loss_bbox, loss_iou: see :class:`BaseBoxHead`.
    """

    def __init__(self,
                 in_channels: int = 256,
                 loss_cls: dict = dict(
                     type='CrossEntropyLoss', loss_weight=1.0),
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.score = nn.Linear(in_channels, 1)
        self.box_mlp = MLP(in_channels, in_channels, 4, 2)
        self.loss_cls = MODELS.build(loss_cls)

    def forward(self, feats: GroundingFeatures) -> Tuple[Tensor, Tensor]:
        """Token logits (B, N) and normalised cxcywh boxes (B, N, 4)."""
        visual = feats.visual
        logits = self.score(visual).squeeze(-1)
        logits = logits.masked_fill(feats.visual_mask, float('-inf'))
        boxes = cell_boxes(self.box_mlp(visual), feats.visual_hw)
        return logits, boxes

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> dict:
        logits, boxes = self(feats)
        target = self.gt_targets(data_samples, boxes)
        index = center_cells(target, feats.visual_hw)
        picked = take_cells(boxes, index)
        losses = self.box_losses(picked, target)
        losses['loss_cls'] = self.loss_cls(logits, index)
        return losses

    def predict(self,
                feats: GroundingFeatures,
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        logits, boxes = self(feats)
        scores, index = logits.softmax(-1).max(-1)
        picked = take_cells(boxes, index)
        return self.to_instances(picked[:, None], scores[:, None],
                                 data_samples, rescale)
