"""Dynamic weight-balance distillation (DWBD) of SimVG."""
from typing import Dict, Optional

from torch import Tensor, nn

from mmvg.registry import MODELS


@MODELS.register_module()
class DWBDLoss(nn.Module):
    """Balance the token branch's two teachers: the ground truth and the
    decoder branch.

    ``w`` = mean over the batch's targets of ``decoder foreground score x
    IoU(matched decoder box, target)``, detached: while the decoder is
    poor the token branch learns from the ground truth, once it is good
    from the decoder's boxes.
    ``loss = gt_weight (1 - w) L(TB, GT) + teacher_weight w L(TB, DB)``.

    Args:
        gt_weight: ``a`` (2.0 for ViT-B, 1.0 for ViT-L in SimVG).
        teacher_weight: ``b`` (1.0 for ViT-B, 0.4 for ViT-L).
        fixed_weight: a constant ``w`` instead of the dynamic one, for
            ablations: 0 trains the token branch on the ground truth only.
    """

    def __init__(self,
                 gt_weight: float = 2.0,
                 teacher_weight: float = 1.0,
                 fixed_weight: Optional[float] = None) -> None:
        super().__init__()
        if fixed_weight is not None and not 0 <= fixed_weight <= 1:
            raise ValueError(f'fixed_weight must lie in [0, 1], got '
                             f'{fixed_weight}')
        self.gt_weight = gt_weight
        self.teacher_weight = teacher_weight
        self.fixed_weight = fixed_weight

    @staticmethod
    def balance_weight(quality: Tensor) -> Tensor:
        """``w`` from the per-target ``score x IoU`` values; 0 without
        targets (a batch of no-target GREC samples)."""
        quality = quality.detach()
        if quality.numel() == 0:
            return quality.new_zeros(())
        return quality.mean()

    def forward(self, gt_losses: Dict[str, Tensor],
                teacher_losses: Dict[str, Tensor],
                quality: Tensor) -> Dict[str, Tensor]:
        """Weight the two loss dicts; the teacher terms get a ``distill_``
        prefix and ``dwbd_weight`` (w) is logged."""
        weight = self.balance_weight(quality) if self.fixed_weight is None \
            else quality.new_tensor(self.fixed_weight)
        losses = {
            key: self.gt_weight * (1 - weight) * value
            for key, value in gt_losses.items()
        }
        losses.update({
            f'distill_{key}': self.teacher_weight * weight * value
            for key, value in teacher_losses.items()
        })
        losses['dwbd_weight'] = weight
        return losses
