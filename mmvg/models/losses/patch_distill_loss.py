"""Visual distillation: the student's visual tokens against the teacher's
patch embeddings on the student's grid."""
from typing import Tuple

from torch import Tensor

from mmvg.models.utils import resample_tokens
from mmvg.registry import MODELS
from .feature_distill_loss import FeatureDistillLoss


@MODELS.register_module()
class PatchDistillLoss(FeatureDistillLoss):
    """:class:`FeatureDistillLoss` between the student's (projected) visual
    tokens and the teacher's patch embeddings resampled (bilinear) to the
    student's grid; cells of the batch padding do not count.

    Args:
        loss_weight: weight of the loss.
    """

    def forward(self, student: Tensor, student_hw: Tuple[int, int],
                padding_mask: Tensor, teacher: Tensor,
                teacher_hw: Tuple[int, int]) -> Tensor:
        """The loss of student tokens (B, h*w, D) on ``student_hw`` with
        their padding mask (B, h*w) and teacher patches (B, h'*w', D) on
        ``teacher_hw`` (both grids over the same padded input)."""
        teacher = resample_tokens(teacher, teacher_hw, student_hw)
        return super().forward(student, teacher, padding_mask)
