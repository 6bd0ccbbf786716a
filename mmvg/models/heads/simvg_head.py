"""SimVG's head: TQG, decoder branch, token branch and DWBD together."""
from typing import Dict, List, Optional, Tuple

import torch
from mmdet.models.utils import unpack_gt_instances
from mmdet.structures import DetDataSample
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.models.utils import CellTargets, cell_targets
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

BRANCH_MODULES = dict(db='decoder_branch', tb='token_branch')
BRANCHES = tuple(BRANCH_MODULES)
DISTILL_MODES = ('one-stage', 'two-stage')


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

    Args:
        in_channels: width of the encoder's tokens, given to the three parts.
        num_queries: queries of the three parts: 1 for REC, 10 for GREC.
        query_generator: ``TextGuidedQueryGenerator`` config.
        decoder_branch: ``SimVGDecoderBranch`` config.
        token_branch: ``SimVGTokenBranch`` config.
        distill_loss: ``DWBDLoss`` config.
        distill_mode: ``'one-stage'`` or ``'two-stage'``.
        test_branch: ``'db'`` or ``'tb'``.
        proposal_head: optional ``CellProposalHead`` config giving the DB's
            queries reference boxes (needs ``with_reference=True`` in the
            DB; not in the paper, see :class:`CellProposalHead`).
        point_weight: weight of the token branch's pointing loss (needs
            ``point_dims`` in the TB; not in the paper, see
            :class:`SimVGTokenBranch`). A TB ``with_reference`` refines the
            proposal boxes of the cells its object token points at.
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
                 proposal_head: Optional[dict] = None,
                 point_weight: float = 0.0,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if distill_mode not in DISTILL_MODES:
            raise ValueError(f'distill_mode must be one of {DISTILL_MODES}, '
                             f'got {distill_mode!r}')
        if test_branch not in BRANCHES:
            raise ValueError(f'test_branch must be one of {BRANCHES}, got '
                             f'{test_branch!r}')
        self.query_generator, self.decoder_branch, self.token_branch = (
            MODELS.build(
                dict(cfg, in_channels=in_channels, num_queries=num_queries))
            for cfg in (query_generator, decoder_branch, token_branch))
        self.proposal_head = None if proposal_head is None else MODELS.build(
            dict(proposal_head, in_channels=in_channels))
        if (self.proposal_head is None) == self.decoder_branch.with_reference:
            raise ValueError('proposal_head and the decoder branch\'s '
                             'with_reference go together.')
        if self.token_branch.with_reference and self.proposal_head is None:
            raise ValueError('The token branch\'s reference boxes are cell '
                             'boxes of the proposal head: with_reference in '
                             'the token branch needs proposal_head.')
        if point_weight and not self.token_branch.point_dims:
            raise ValueError('point_weight needs point_dims in the token '
                             'branch.')
        self.point_weight = point_weight
        self.distill_loss = MODELS.build(distill_loss)
        self.distill_mode = distill_mode
        self.test_branch = test_branch
        if self.frozen_teacher:
            for module in self.teacher_modules():
                module.requires_grad_(False)

    @property
    def frozen_teacher(self) -> bool:
        return self.distill_mode == 'two-stage'

    def teacher_modules(self) -> List[BaseModule]:
        return [
            module for module in (self.query_generator, self.decoder_branch,
                                  self.proposal_head) if module is not None
        ]

    def train(self, mode: bool = True) -> 'SimVGHead':
        """Keep a frozen teacher in eval mode (no dropout)."""
        super().train(mode)
        if self.frozen_teacher:
            for module in self.teacher_modules():
                module.eval()
        return self

    def proposals(self,
                  feats: GroundingFeatures) -> Optional[Tuple[Tensor, Tensor]]:
        """The proposal head's (cell logits, cell boxes), if there is one."""
        if self.proposal_head is None:
            return None
        return self.proposal_head(feats.visual, feats.visual_hw,
                                  feats.visual_mask)

    def decode(self, feats: GroundingFeatures, queries: Tensor,
               img_metas: Optional[List[dict]],
               proposals: Optional[Tuple[Tensor, Tensor]]) -> Tuple:
        """DB outputs (class logits, cxcywh per layer), refining the best
        proposals' boxes when there are proposals."""
        ref_boxes = None
        if proposals is not None:
            ref_boxes = self.proposal_head.top_boxes(*proposals,
                                                     queries.shape[1],
                                                     img_metas)
        return self.decoder_branch(feats.visual, feats.visual_hw, queries,
                                   feats.visual_mask, ref_boxes)

    def token_outputs(self,
                      feats: GroundingFeatures,
                      queries: Tensor,
                      img_metas: Optional[List[dict]],
                      proposals: Optional[Tuple[Tensor, Tensor]],
                      target_cells: Optional[Tensor] = None) -> Tuple:
        """TB outputs; with references, those are the proposal boxes of the
        cells the object token points at most. In training the cells of the
        targets (``target_cells``, (B, h*w), > 0 on them) come first, so
        that the TB learns to refine a box on its target rather than to
        move one across the image (the pointing loss teaches the choice)."""
        ref_boxes = None
        if self.token_branch.with_reference:
            logits = self.token_branch.point_logits(feats.object_token,
                                                    feats.visual,
                                                    feats.visual_mask)
            if target_cells is not None:
                logits = logits.detach().masked_fill(target_cells > 0,
                                                     float('inf'))
            ref_boxes = self.proposal_head.top_boxes(logits, proposals[1],
                                                     queries.shape[1],
                                                     img_metas)
        return self.token_branch(feats.object_token, queries, ref_boxes)

    def forward(self,
                feats: GroundingFeatures,
                img_metas: Optional[List[dict]] = None,
                branch: str = 'both') -> Dict[str, Tuple[Tensor, Tensor]]:
        """Raw outputs (class logits, cxcywh) of the requested branches."""
        feats.require('object_token', 'text', by=type(self).__name__)
        queries = self.query_generator(feats.text, feats.text_mask)
        proposals = None
        if branch != 'tb' or self.token_branch.with_reference:
            proposals = self.proposals(feats)
        outputs = {}
        if branch in ('both', 'db'):
            outputs['db'] = self.decode(feats, queries, img_metas, proposals)
        if branch in ('both', 'tb'):
            outputs['tb'] = self.token_outputs(feats, queries, img_metas,
                                               proposals)
        return outputs

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        """DB set losses (unless frozen) and the DWBD-weighted TB losses."""
        feats.require('object_token', 'text', by=type(self).__name__)
        gt_instances, _, img_metas = unpack_gt_instances(data_samples)
        with torch.set_grad_enabled(not self.frozen_teacher
                                    and torch.is_grad_enabled()):
            queries = self.query_generator(feats.text, feats.text_mask)
            proposals = self.proposals(feats)
            db_cls, db_boxes = self.decode(feats, queries, img_metas,
                                           proposals)
        losses = {}
        if self.proposal_head is not None or self.point_weight:
            # the target cells, shared by the proposals and the pointing
            cells = cell_targets(gt_instances, img_metas, feats.visual_hw,
                                 feats.visual)
        if not self.frozen_teacher:
            losses.update(
                self.decoder_branch.set_losses(
                    db_cls, db_boxes, gt_instances, img_metas, prefix='db_'))
            if proposals is not None:
                losses.update(self.proposal_head.loss(*proposals, cells))
        tb_cls, tb_boxes = self.token_outputs(
            feats, queries, img_metas, proposals,
            cells[0] if self.token_branch.with_reference else None)
        teacher, quality = self.decoder_branch.matched_predictions(
            db_cls[-1].detach(), db_boxes[-1].detach(), gt_instances,
            img_metas)
        losses.update(
            self.distill_loss(
                self.token_branch.set_losses(
                    tb_cls, tb_boxes, gt_instances, img_metas, prefix='tb_'),
                self.token_branch.set_losses(
                    tb_cls, tb_boxes, teacher, img_metas, prefix='tb_'),
                quality))
        if self.point_weight:
            losses.update(self.point_losses(feats, cells))
        return losses

    def point_losses(self, feats: GroundingFeatures,
                     cells: CellTargets) -> Dict[str, Tensor]:
        """The token branch's pointing losses, weighted, prefixed ``tb_``."""
        dist, _, targets = cells
        nan = feats.visual.new_full((2, ), float('nan'))
        centres = torch.stack(
            [target[0, :2] if len(target) == 1 else nan for target in targets])
        losses = self.token_branch.point_losses(feats.object_token,
                                                feats.visual,
                                                feats.visual_mask, dist,
                                                centres, feats.visual_hw)
        return {
            f'tb_{key}': self.point_weight * value
            for key, value in losses.items()
        }

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
