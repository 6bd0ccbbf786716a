"""SimVG's token branch with pointing losses and reference boxes."""
import math
from typing import Tuple

import torch
from mmdet.models.layers import MLP
from torch import Tensor, nn

from mmvg.models.heads import SimVGTokenBranch
from mmvg.models.losses import soft_cross_entropy
from mmvg.models.utils import cell_grid
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .reference_refinement import ReferenceRefinement


@MODELS.register_module()
class PointingTokenBranch(ReferenceRefinement, SimVGTokenBranch):
    """:class:`SimVGTokenBranch` that points at a cell and refines its box.

    A small encoder trained from scratch otherwise leaves the object token
    at the mean box. The patches are scored by their dot product with the
    object token (both projected to ``point_dims``) and a cross-entropy
    asks the object token to point at the target's cell; a linear
    read-out, shared by all tokens, is trained to give each patch's own
    cell centre and the object token's target centre, so that where the
    object token points is a linear function of it, easy for the box MLP
    to read. Each query gets as reference box the cell box of a cell the
    object token points at (:class:`SimVGCellHead` picks them), adds its
    embedding and predicts a refinement of it
    (:class:`ReferenceRefinement`); the decoder still does not run.

    Args:
        point_dims: width of the pointing projections.
        others: see :class:`SimVGTokenBranch`.
    """

    def __init__(self,
                 in_channels: int = 768,
                 point_dims: int = 64,
                 **kwargs) -> None:
        super().__init__(in_channels=in_channels, **kwargs)
        self.point_dims = point_dims
        self.point_token = nn.Linear(in_channels, point_dims)
        self.point_patch = nn.Linear(in_channels, point_dims)
        self.point_xy = nn.Linear(in_channels, 2)
        self.ref_embed = MLP(4, self.embed_dims, self.embed_dims, 2)

    def forward(self, feats: GroundingFeatures,
                ref_boxes: Tensor) -> Tuple[Tensor, Tensor]:
        """As :meth:`SimVGTokenBranch.forward`, refining reference cxcywh
        boxes (B, Q, 4), whose embedding joins the query."""
        feats.require('object_token', 'queries', by=type(self).__name__)
        hidden = self.token_mlp(
            self.token_proj(feats.object_token)[:, None] +
            feats.queries.embed + self.ref_embed(ref_boxes))
        cls, boxes = self.refine_layers(hidden, ref_boxes)
        return cls[None], boxes[None]

    def point_logits(self, object_token: Tensor, patches: Tensor,
                     padding_mask: Tensor) -> Tensor:
        """Scaled dot products (B, h*w) of the object token (B, C) with the
        patch tokens (B, h*w, C); padding patches at -inf."""
        logits = torch.einsum('bc,bnc->bn', self.point_token(object_token),
                              self.point_patch(patches))
        return (logits / math.sqrt(self.point_dims)).masked_fill(
            padding_mask, float('-inf'))

    def point_losses(self, object_token: Tensor, patches: Tensor,
                     padding_mask: Tensor, cell_dist: Tensor, centres: Tensor,
                     hw: Tuple[int, int]) -> dict:
        """The pointing cross-entropy and the position read-out L1.

        Args:
            object_token, patches, padding_mask: see :meth:`point_logits`.
            cell_dist: (B, h*w) target distribution over the cells.
            centres: (B, 2) normalised target centre (x, y), NaN for samples
                without exactly one target (left out of the object term).
            hw: the patch grid.
        """
        ce = soft_cross_entropy(
            self.point_logits(object_token, patches, padding_mask), cell_dist)
        grid = (cell_grid(hw, patches) + .5) / \
            patches.new_tensor(hw[::-1])
        keep = ~padding_mask
        errors = [(self.point_xy(patches) - grid[None]).abs()[keep]]
        single = ~centres.isnan().any(-1)
        errors.append(
            (self.point_xy(object_token[single]) - centres[single]).abs())
        return dict(loss_point=ce, loss_point_xy=torch.cat(errors).mean())
