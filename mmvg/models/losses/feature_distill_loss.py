"""Feature distillation: the student's features point where the teacher's
do."""
from typing import Optional

import torch.nn.functional as F
from torch import Tensor, nn

from mmvg.registry import MODELS


@MODELS.register_module()
class FeatureDistillLoss(nn.Module):
    """``loss_weight * mean(1 - cos(student, teacher))`` over the positions
    that are not padding.

    The cosine distance compares directions only (CLIP's joint space is
    read by cosine similarity); it equals half the squared L2 distance of
    the L2-normalised features. The teacher is detached. On sentence
    vectors (B, D) it is EpmVG's language loss.

    Args:
        loss_weight: weight of the loss.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self,
                student: Tensor,
                teacher: Tensor,
                padding_mask: Optional[Tensor] = None) -> Tensor:
        """The loss of (..., D) features (already in one space);
        ``padding_mask`` (...) is True where a position does not count.
        """
        if student.shape != teacher.shape:
            raise ValueError(f'student features {tuple(student.shape)} and '
                             f'teacher features {tuple(teacher.shape)} differ '
                             'in shape; project the student first.')
        distance = 1 - F.cosine_similarity(student, teacher.detach(), dim=-1)
        if padding_mask is None:
            return self.loss_weight * distance.mean()
        keep = (~padding_mask).to(distance)
        return self.loss_weight * (distance *
                                   keep).sum() / keep.sum().clamp(min=1)
