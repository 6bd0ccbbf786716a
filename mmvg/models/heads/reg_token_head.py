"""TransVG's head: a box regressed from the fused [REG] token."""
from typing import Dict, List

import torch
from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.registry import MODELS
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

    def forward(self, feats: Dict[str, Tensor]) -> Tensor:
        """Normalised cxcywh box per sample, (B, 4)."""
        return self.reg_mlp(feats['reg']).sigmoid()

    def loss(self, feats: Dict[str, Tensor],
             data_samples: List[DetDataSample]) -> dict:
        pred = self(feats)
        return self.box_losses(pred, self.gt_targets(data_samples, pred))

    def predict(self, feats: Dict[str, Tensor],
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        pred = self(feats)
        scores = torch.ones(pred.shape[0], 1, device=pred.device)
        return self.to_instances(pred[:, None], scores, data_samples, rescale)
