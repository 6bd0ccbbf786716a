"""SimVG's head with cell proposals, references and pointing."""
from typing import Dict

import torch
from torch import Tensor

from mmvg.models.heads import SimVGHead
from mmvg.models.heads.simvg_head import BranchOutputs
from mmvg.models.utils import cell_targets
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .cell_proposals import CellProposals
from .pointing_token_branch import PointingTokenBranch


@MODELS.register_module()
class SimVGCellHead(SimVGHead):
    """:class:`SimVGHead` whose branches refine boxes of cells, for small
    models trained from scratch (not in the paper). It reads queries with
    cell proposals (the grounder's ``query_generator`` a
    :class:`CellProposalQueryGenerator`, its ``decoder`` a
    :class:`ReferencedQueryDecoder`):

    - the proposals learn from the targets (``proposal_loss``, a
      :class:`CellProposalLoss`); the decoder branch
      (:class:`ReferencedDecoderBranch`) refines the best ones;
    - the token branch (:class:`PointingTokenBranch`) learns to point its
      object token at the target's cell (``point_weight`` x its pointing
      losses) and refines the proposal boxes of the cells it points at
      most. In training the target cells come first, so that it learns to
      refine a box on its target rather than to move one across the image
      (the pointing loss teaches the choice).

    Args:
        proposal_loss: ``CellProposalLoss`` config.
        point_weight: weight of the token branch's pointing losses.
        others: see :class:`SimVGHead`; ``token_branch`` must be a
            ``PointingTokenBranch`` (or None: the decoder-only stage 1).
    """

    def __init__(self,
                 *args,
                 proposal_loss: dict = dict(type='CellProposalLoss'),
                 point_weight: float = 1.0,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.with_token_branch and not isinstance(self.token_branch,
                                                     PointingTokenBranch):
            raise TypeError('SimVGCellHead needs a PointingTokenBranch as '
                            'token_branch, got '
                            f'{type(self.token_branch).__name__}.')
        self.proposal_loss = MODELS.build(proposal_loss)
        self.point_weight = point_weight

    def branch_inputs(self,
                      feats: GroundingFeatures,
                      img_metas,
                      gt_instances=None) -> dict:
        """Also, in training, the target cells (see
        :func:`mmvg.models.utils.cell_targets`)."""
        feats.require(
            'queries.proposal_scores',
            by=f'{type(self).__name__} '
            '(a CellProposalQueryGenerator as query_generator)')
        inputs = super().branch_inputs(feats, img_metas, gt_instances)
        if gt_instances is not None:
            inputs['cells'] = cell_targets(gt_instances, img_metas,
                                           feats.visual_hw, feats.visual)
        return inputs

    def token_outputs(self, feats: GroundingFeatures,
                      inputs: dict) -> BranchOutputs:
        """TB outputs refining the proposal boxes of the cells the object
        token points at most (the target cells first in training)."""
        logits = self.token_branch.point_logits(feats.object_token,
                                                feats.visual,
                                                feats.visual_mask)
        if 'cells' in inputs:
            logits = logits.detach().masked_fill(inputs['cells'][0] > 0,
                                                 float('inf'))
        queries = feats.queries
        ref_boxes = CellProposals.top_boxes(logits, queries.proposal_boxes,
                                            queries.embed.shape[1],
                                            inputs['img_metas'])
        return self.token_branch(feats, ref_boxes)

    def db_losses(self, feats: GroundingFeatures, inputs: dict,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """Also the proposal losses."""
        losses = super().db_losses(feats, inputs, db_outputs)
        losses.update(
            self.proposal_loss(feats.queries.proposal_scores,
                               feats.queries.proposal_boxes, inputs['cells']))
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
