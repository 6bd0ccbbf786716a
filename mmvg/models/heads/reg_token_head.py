"""TransVG's head: a box regressed from the fused [REG] token."""
from typing import List

import torch
from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .base_box_head import BaseBoxHead


@MODELS.register_module()
class RegTokenHead(BaseBoxHead):
    """3-layer MLP on the [REG] token -> sigmoid cxcywh (TransVG).

    Args:
        in_channels: width of the [REG] token.
        loss_bbox, loss_iou: see :class:`BaseBoxHead`.
    """

    def __init__(self, in_channels: int = 256, **kwargs) -> None:
        super().__init__(**kwargs)
        self.reg_mlp = MLP(in_channels, in_channels, 4, 3)

    def forward(self, feats: GroundingFeatures) -> Tensor:
        """Normalised cxcywh box per sample, (B, 4), from the
        ``object_token``."""
        feats.require('object_token', by=type(self).__name__)
        return self.reg_mlp(feats.object_token).sigmoid()

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> dict:
        pred = self(feats)
        return self.box_losses(pred, self.gt_targets(data_samples, pred))

    def predict(self,
                feats: GroundingFeatures,
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        pred = self(feats)
        scores = torch.ones(pred.shape[0], 1, device=pred.device)
        return self.to_instances(pred[:, None], scores, data_samples, rescale)
