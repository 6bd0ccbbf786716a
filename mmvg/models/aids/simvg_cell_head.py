"""SimVG's head with cell proposals, references and pointing."""
from typing import Dict, List

import torch
from mmengine.model import BaseModule
from torch import Tensor

from mmvg.models.heads import SimVGHead
from mmvg.models.heads.simvg_head import BranchOutputs
from mmvg.models.utils import cell_targets
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .pointing_token_branch import PointingTokenBranch
from .referenced_decoder_branch import ReferencedDecoderBranch


@MODELS.register_module()
class SimVGCellHead(SimVGHead):
    """:class:`SimVGHead` whose branches refine boxes of cells, for small
    models trained from scratch (not in the paper):

    - a :class:`CellProposalHead` scores the visual tokens; the best cells'
      boxes are the decoder queries' reference boxes
      (:class:`ReferencedDecoderBranch`);
    - the token branch (:class:`PointingTokenBranch`) learns to point its
      object token at the target's cell (``point_weight`` x its pointing
      losses) and refines the proposal boxes of the cells it points at
      most. In training the target cells come first, so that it learns to
      refine a box on its target rather than to move one across the image
      (the pointing loss teaches the choice).

    The proposal head belongs to the frozen teacher in two-stage training.

    Args:
        proposal_head: ``CellProposalHead`` config.
        point_weight: weight of the token branch's pointing losses.
        others: see :class:`SimVGHead`; ``decoder_branch`` must be a
            ``ReferencedDecoderBranch`` and ``token_branch`` a
            ``PointingTokenBranch``.
    """

    def __init__(self,
                 *args,
                 proposal_head: dict = dict(type='CellProposalHead'),
                 point_weight: float = 1.0,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, expected in (('decoder_branch', ReferencedDecoderBranch),
                               ('token_branch', PointingTokenBranch)):
            if not isinstance(getattr(self, name), expected):
                raise TypeError(f'SimVGCellHead needs a {expected.__name__} '
                                f'as {name}, got '
                                f'{type(getattr(self, name)).__name__}.')
        self.proposal_head = MODELS.build(
            dict(proposal_head, in_channels=self.in_channels))
        self.point_weight = point_weight
        self.freeze_teacher()

    def teacher_modules(self) -> List[BaseModule]:
        """The proposal head feeds the DB: it is part of the teacher."""
        modules = super().teacher_modules()
        if hasattr(self, 'proposal_head'):
            modules.append(self.proposal_head)
        return modules

    def branch_inputs(self,
                      feats: GroundingFeatures,
                      img_metas,
                      gt_instances=None) -> dict:
        """Also the proposals (cell logits, cell boxes) and, in training,
        the target cells (see :func:`mmvg.models.utils.cell_targets`)."""
        inputs = super().branch_inputs(feats, img_metas, gt_instances)
        inputs['proposals'] = self.proposal_head(feats.visual, feats.visual_hw,
                                                 feats.visual_mask)
        if gt_instances is not None:
            inputs['cells'] = cell_targets(gt_instances, img_metas,
                                           feats.visual_hw, feats.visual)
        return inputs

    def decode(self, feats: GroundingFeatures, inputs: dict) -> BranchOutputs:
        """DB outputs refining the best proposals' boxes."""
        queries = inputs['queries']
        ref_boxes = self.proposal_head.top_boxes(*inputs['proposals'],
                                                 queries.shape[1],
                                                 inputs['img_metas'])
        return self.decoder_branch(feats.visual, feats.visual_hw, queries,
                                   feats.visual_mask, ref_boxes)

    def token_outputs(self, feats: GroundingFeatures,
                      inputs: dict) -> BranchOutputs:
        """TB outputs refining the proposal boxes of the cells the object
        token points at most (the target cells first in training)."""
        queries = inputs['queries']
        logits = self.token_branch.point_logits(feats.object_token,
                                                feats.visual,
                                                feats.visual_mask)
        if 'cells' in inputs:
            logits = logits.detach().masked_fill(inputs['cells'][0] > 0,
                                                 float('inf'))
        ref_boxes = self.proposal_head.top_boxes(logits,
                                                 inputs['proposals'][1],
                                                 queries.shape[1],
                                                 inputs['img_metas'])
        return self.token_branch(feats.object_token, queries, ref_boxes)

    def db_losses(self, feats: GroundingFeatures, inputs: dict,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """Also the proposal losses, unless the teacher is frozen."""
        losses = super().db_losses(feats, inputs, db_outputs)
        if not self.frozen_teacher:
            losses.update(
                self.proposal_head.loss(*inputs['proposals'], inputs['cells']))
        return losses

    def tb_losses(self, feats: GroundingFeatures, inputs: dict,
                  tb_outputs: BranchOutputs,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """Also the pointing losses, weighted, prefixed ``tb_``."""
        losses = super().tb_losses(feats, inputs, tb_outputs, db_outputs)
        dist, _, targets = inputs['cells']
        nan = feats.visual.new_full((2, ), float('nan'))
        centres = torch.stack(
            [target[0, :2] if len(target) == 1 else nan for target in targets])
        point = self.token_branch.point_losses(feats.object_token,
                                               feats.visual, feats.visual_mask,
                                               dist, centres, feats.visual_hw)
        losses.update({
            f'tb_{key}': self.point_weight * value
            for key, value in point.items()
        })
        return losses
