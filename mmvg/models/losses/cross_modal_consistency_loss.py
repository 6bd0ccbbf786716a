"""Cross-modal consistency: where the expression points in the image, the
student should agree with the teacher."""
from typing import Tuple

import torch.nn.functional as F
from torch import Tensor, nn

from mmvg.models.utils import resample_tokens
from mmvg.registry import MODELS


def patch_similarity(patches: Tensor, sentence: Tensor) -> Tensor:
    """Cosine similarity (B, N) of each patch (B, N, D) to the sentence
    vector (B, D)."""
    return F.cosine_similarity(patches, sentence[:, None], dim=-1)


@MODELS.register_module()
class CrossModalConsistencyLoss(nn.Module):
    """``KL(teacher || student)`` of the patch-to-expression maps.

    Each map is the cosine similarity of every patch to the expression's
    vector, divided by ``temperature`` and turned into a distribution over
    the patches by a softmax; padding cells get no mass. The student's map
    is computed on its (projected) visual tokens and sentence vector, the
    teacher's on CLIP's patch and text embeddings on CLIP's grid, then
    resampled (bilinear) to the student's grid. KL is summed over the
    patches and averaged over the batch; the teacher is detached.

    Args:
        temperature: softmax temperature of both maps (0.07: CLIP's
            initial one).
        loss_weight: weight of the loss.
    """

    def __init__(self,
                 temperature: float = 0.07,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, student: Tensor, student_sentence: Tensor,
                student_hw: Tuple[int,
                                  int], padding_mask: Tensor, teacher: Tensor,
                teacher_text: Tensor, teacher_hw: Tuple[int, int]) -> Tensor:
        """The loss of student tokens (B, h*w, D) and sentence (B, D) on
        ``student_hw`` with their padding mask (B, h*w), against teacher
        patches (B, h'*w', D') on ``teacher_hw`` and text (B, D')."""
        teacher_map = patch_similarity(teacher.detach(), teacher_text.detach())
        teacher_map = resample_tokens(teacher_map[..., None], teacher_hw,
                                      student_hw)[..., 0]
        student_map = patch_similarity(student, student_sentence)
        log_t = self._log_softmax(teacher_map, padding_mask)
        log_s = self._log_softmax(student_map, padding_mask)
        kl = log_t.exp() * (log_t - log_s)  # 0 on padding: log_t = log_s = 0
        return self.loss_weight * kl.sum(-1).mean()

    def _log_softmax(self, similarity: Tensor, padding_mask: Tensor) -> Tensor:
        """log of the softmax over the cells that are not padding; 0 (not
        -inf) on padding, so that no inf or nan reaches the KL terms."""
        logits = similarity / self.temperature
        return logits.masked_fill(padding_mask,
                                  float('-inf')).log_softmax(-1).masked_fill(
                                      padding_mask, 0)
