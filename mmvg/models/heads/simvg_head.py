"""SimVG's head: TQG, decoder branch, token branch and DWBD together."""
from contextlib import AbstractContextManager
from typing import Dict, List, Optional, Tuple

import torch
from mmdet.models.utils import unpack_gt_instances
from mmdet.structures import DetDataSample
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

BRANCH_MODULES = dict(db='decoder_branch', tb='token_branch')
BRANCHES = tuple(BRANCH_MODULES)
DISTILL_MODES = ('one-stage', 'two-stage')

#: Raw outputs of a branch: class logits and sigmoid cxcywh, (L, B, Q, ·).
BranchOutputs = Tuple[Tensor, Tensor]


@MODELS.register_module()
class SimVGHead(BaseModule):
    """Both SimVG branches over the multimodal encoder's output.

    Training: the decoder branch (DB) learns from the targets; the token
    branch (TB) learns from the targets and from the DB's matched boxes,
    balanced by DWBD. ``distill_mode='one-stage'`` trains both together;
    ``'two-stage'`` freezes TQG and DB (a stage-1 checkpoint loaded with
    ``load_from``) as the teacher and trains only the TB (and encoder).
    Inference uses one branch (``test_branch``); with ``'tb'`` the decoder
    never runs.

    A step runs :meth:`branch_inputs` (what the branches share), then
    :meth:`decode` and :meth:`token_outputs`, and in training
    :meth:`db_losses` and :meth:`tb_losses`: subclasses extend those steps
    (as mmdet's ``DetectionTransformer`` subclasses extend theirs).

    Args:
        in_channels: width of the encoder's tokens, given to the three parts.
        num_queries: queries of the three parts: 1 for REC, 10 for GREC.
        query_generator: ``TextGuidedQueryGenerator`` config.
        decoder_branch: ``SimVGDecoderBranch`` config.
        token_branch: ``SimVGTokenBranch`` config.
        distill_loss: ``DWBDLoss`` config.
        distill_mode: ``'one-stage'`` or ``'two-stage'``.
        test_branch: ``'db'`` or ``'tb'``.
    """

    def __init__(self,
                 in_channels: int,
                 num_queries: int,
                 query_generator: dict,
                 decoder_branch: dict,
                 token_branch: dict,
                 distill_loss: dict = dict(type='DWBDLoss'),
                 distill_mode: str = 'one-stage',
                 test_branch: str = 'db',
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if distill_mode not in DISTILL_MODES:
            raise ValueError(f'distill_mode must be one of {DISTILL_MODES}, '
                             f'got {distill_mode!r}')
        if test_branch not in BRANCHES:
            raise ValueError(f'test_branch must be one of {BRANCHES}, got '
                             f'{test_branch!r}')
        self.in_channels = in_channels
        self.query_generator, self.decoder_branch, self.token_branch = (
            MODELS.build(
                dict(cfg, in_channels=in_channels, num_queries=num_queries))
            for cfg in (query_generator, decoder_branch, token_branch))
        self.distill_loss = MODELS.build(distill_loss)
        self.distill_mode = distill_mode
        self.test_branch = test_branch
        self.freeze_teacher()

    @property
    def frozen_teacher(self) -> bool:
        return self.distill_mode == 'two-stage'

    def teacher_modules(self) -> List[BaseModule]:
        """What two-stage training freezes: TQG and the DB."""
        return [self.query_generator, self.decoder_branch]

    def freeze_teacher(self) -> None:
        """In two-stage training, stop the teacher's gradients."""
        if self.frozen_teacher:
            for module in self.teacher_modules():
                module.requires_grad_(False)

    def teacher_grad(self) -> AbstractContextManager:
        """Gradients on for the teacher's forward unless it is frozen."""
        return torch.set_grad_enabled(not self.frozen_teacher
                                      and torch.is_grad_enabled())

    def train(self, mode: bool = True) -> 'SimVGHead':
        """Keep a frozen teacher in eval mode (no dropout)."""
        super().train(mode)
        if self.frozen_teacher:
            for module in self.teacher_modules():
                module.eval()
        return self

    def branch_inputs(
            self,
            feats: GroundingFeatures,
            img_metas: Optional[List[dict]],
            gt_instances: Optional[List[InstanceData]] = None) -> dict:
        """What both branches read: the TQG queries (B, Q, D); the image
        metas and, in training, the targets come along."""
        return dict(
            queries=self.query_generator(feats.text, feats.text_mask),
            img_metas=img_metas,
            gt_instances=gt_instances)

    def decode(self, feats: GroundingFeatures, inputs: dict) -> BranchOutputs:
        """DB outputs, one row per decoder layer."""
        return self.decoder_branch(feats.visual, feats.visual_hw,
                                   inputs['queries'], feats.visual_mask)

    def token_outputs(self, feats: GroundingFeatures,
                      inputs: dict) -> BranchOutputs:
        """TB outputs, one row."""
        return self.token_branch(feats.object_token, inputs['queries'])

    def forward(self,
                feats: GroundingFeatures,
                img_metas: Optional[List[dict]] = None,
                branch: str = 'both') -> Dict[str, BranchOutputs]:
        """Raw outputs (class logits, cxcywh) of the requested branches."""
        feats.require('object_token', 'text', by=type(self).__name__)
        inputs = self.branch_inputs(feats, img_metas)
        outputs = {}
        if branch in ('both', 'db'):
            outputs['db'] = self.decode(feats, inputs)
        if branch in ('both', 'tb'):
            outputs['tb'] = self.token_outputs(feats, inputs)
        return outputs

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        """DB set losses (unless frozen) and the DWBD-weighted TB losses."""
        feats.require('object_token', 'text', by=type(self).__name__)
        gt_instances, _, img_metas = unpack_gt_instances(data_samples)
        with self.teacher_grad():
            inputs = self.branch_inputs(feats, img_metas, gt_instances)
            db_outputs = self.decode(feats, inputs)
        losses = self.db_losses(feats, inputs, db_outputs)
        tb_outputs = self.token_outputs(feats, inputs)
        losses.update(self.tb_losses(feats, inputs, tb_outputs, db_outputs))
        return losses

    def db_losses(self, feats: GroundingFeatures, inputs: dict,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """Hungarian losses of every DB layer, none for a frozen teacher."""
        if self.frozen_teacher:
            return {}
        return self.decoder_branch.set_losses(
            *db_outputs,
            inputs['gt_instances'],
            inputs['img_metas'],
            prefix='db_')

    def tb_losses(self, feats: GroundingFeatures, inputs: dict,
                  tb_outputs: BranchOutputs,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """TB losses to the targets and to the DB's matched boxes, weighted
        by DWBD."""
        gt_instances, img_metas = inputs['gt_instances'], inputs['img_metas']
        db_cls, db_boxes = db_outputs
        teacher, quality = self.decoder_branch.matched_predictions(
            db_cls[-1].detach(), db_boxes[-1].detach(), gt_instances,
            img_metas)
        return self.distill_loss(
            self.token_branch.set_losses(
                *tb_outputs, gt_instances, img_metas, prefix='tb_'),
            self.token_branch.set_losses(
                *tb_outputs, teacher, img_metas, prefix='tb_'), quality)

    def predict(self,
                feats: GroundingFeatures,
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        """Every query's box and foreground score from ``test_branch``,
        best first (REC reads the first; GREC thresholds the scores)."""
        img_metas = [sample.metainfo for sample in data_samples]
        cls, boxes = self(
            feats, img_metas, branch=self.test_branch)[self.test_branch]
        branch = getattr(self, BRANCH_MODULES[self.test_branch])
        return branch.predict_by_feat(cls, boxes, img_metas, rescale=rescale)
