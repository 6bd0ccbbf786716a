"""EpmVG's cross-modal distillation into a grounder's single-modal
encoders."""
from typing import Dict, List, Optional

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.models.utils import masked_mean
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

TEXT_POOLINGS = ('cls', 'mean')


@MODELS.register_module()
class CrossModalDistiller(BaseModule):
    """Run a frozen teacher on the batch and score the student's encoders
    against it.

    The student's visual tokens and sentence vector (the encoders' output,
    before fusion) are projected by learned ``Linear`` layers into the
    teacher's joint space; the losses then compare them with the teacher's
    patch and text embeddings (each loss may be ``None``, i.e. off). Only
    training uses it.

    Args:
        teacher: the teacher config (``CLIPTeacher``).
        visual_dims: channels of the student's visual tokens.
        text_dims: channels of the student's text features.
        visual_loss: ``PatchDistillLoss`` config (visual tokens vs patches).
        language_loss: ``FeatureDistillLoss`` config (sentence vectors).
        consistency_loss: ``CrossModalConsistencyLoss`` config.
        text_pooling: the student's sentence vector: ``'cls'`` its
            ``sentence`` feature (BERT's [CLS]) or ``'mean'`` the mean of its
            non-padding text tokens.
    """

    def __init__(self,
                 teacher: dict,
                 visual_dims: int,
                 text_dims: int,
                 visual_loss: Optional[dict] = dict(type='PatchDistillLoss'),
                 language_loss: Optional[dict] = dict(
                     type='FeatureDistillLoss'),
                 consistency_loss: Optional[dict] = dict(
                     type='CrossModalConsistencyLoss'),
                 text_pooling: str = 'cls',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if text_pooling not in TEXT_POOLINGS:
            raise ValueError(f'text_pooling must be one of {TEXT_POOLINGS}, '
                             f'got {text_pooling!r}')
        losses = dict(
            visual=visual_loss,
            text=language_loss,
            consistency=consistency_loss)
        if all(cfg is None for cfg in losses.values()):
            raise ValueError('CrossModalDistiller needs at least one loss; '
                             'set `distiller=None` to train without it.')
        self.teacher = MODELS.build(teacher)
        self.visual_proj = nn.Linear(visual_dims, self.teacher.embed_dims)
        self.text_proj = nn.Linear(text_dims, self.teacher.embed_dims)
        self.losses = nn.ModuleDict({
            name: MODELS.build(cfg)
            for name, cfg in losses.items() if cfg is not None
        })
        self.text_pooling = text_pooling

    def sentence_of(self, feats: GroundingFeatures) -> Tensor:
        """The student's sentence vector (B, D), by ``text_pooling``."""
        if self.text_pooling == 'mean':
            feats.require('text', by=type(self).__name__)
            return masked_mean(feats.text, feats.text_mask)
        feats.require('sentence', by=type(self).__name__)
        return feats.sentence

    def forward(self, inputs: Tensor, texts: List[str],
                feats: GroundingFeatures) -> Dict[str, Tensor]:
        """The distillation losses (``loss_distill_*``) of the student's
        encoded ``feats`` of the batch ``inputs`` and ``texts``."""
        teacher = self.teacher(inputs, texts)
        visual = self.visual_proj(feats.visual)
        sentence = self.text_proj(self.sentence_of(feats))
        args = dict(
            visual=(visual, feats.visual_hw, feats.visual_mask,
                    teacher.patches, teacher.grid),
            text=(sentence, teacher.text),
            consistency=(visual, sentence, feats.visual_hw, feats.visual_mask,
                         teacher.patches, teacher.text, teacher.grid))
        return {
            f'loss_distill_{name}': loss(*args[name])
            for name, loss in self.losses.items()
        }
