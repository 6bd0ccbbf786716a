"""The sparsity pressure of ScanFormer's patch selection."""
from typing import Sequence

import torch
from torch import Tensor, nn

from mmvg.registry import MODELS


@MODELS.register_module()
class PatchBudgetLoss(nn.Module):
    """``loss_weight`` x mean over the selected scales of (kept share -
    ``target_ratio``)^2, the kept share being the gates' mean over the
    scale's present (unpadded) patches of the batch.

    The gates carry the straight-through gradient of the selection, so the
    loss pulls the selection logits towards keeping ``target_ratio`` of
    the patches; the coarsest scale, read in full, is not selected and is
    left out.

    Args:
        target_ratio: the kept share aimed at, in (0, 1].
        loss_weight: the loss weight.
    """

    def __init__(self,
                 target_ratio: float = 0.35,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if not 0 < target_ratio <= 1:
            raise ValueError(
                f'target_ratio must be in (0, 1], got {target_ratio}')
        self.target_ratio = target_ratio
        self.loss_weight = loss_weight

    def forward(self, gates: Sequence[Tensor],
                present: Sequence[Tensor]) -> Tensor:
        """Gates and presence masks (B, N_s) of the selected scales."""
        if not gates:
            raise ValueError('PatchBudgetLoss needs at least one selected '
                             'scale (num_scales >= 2).')
        gaps = [(g.sum() / p.sum().clamp(min=1) - self.target_ratio)**2
                for g, p in zip(gates, present)]
        return self.loss_weight * torch.stack(gaps).mean()
