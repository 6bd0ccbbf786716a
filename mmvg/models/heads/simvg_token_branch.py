"""SimVG's token branch (TB): boxes straight from the object token."""
import math
from typing import Optional, Tuple

import torch
from mmdet.models.layers import MLP
from torch import Tensor, nn

from mmvg.models.losses import soft_cross_entropy
from mmvg.models.utils import cell_grid
from mmvg.registry import MODELS
from .simvg_set_head import SimVGSetHead


@MODELS.register_module()
class SimVGTokenBranch(SimVGSetHead):
    """The encoder's object token (vision [CLS]), projected and added to
    each TQG query, goes through SimVG's token MLP (one Linear, no
    activation, in the released configs) to a class and a box per query: no
    decoder, hence SimVG's fast inference.

    With ``point_dims`` the branch has training-only pointing losses (not
    in the paper: a small encoder trained from scratch otherwise leaves the
    object token at the mean box). The patches are scored by their dot
    product with the object token (both projected to ``point_dims``) and a
    cross-entropy asks the object token to point at the target's cell; a
    linear read-out, shared by all tokens, is trained to give each patch's
    own cell centre and the object token's target centre, so that where
    the object token points is a linear function of it, easy for the box
    MLP to read.

    With ``with_reference`` (needs ``point_dims``; not in the paper either)
    each query also gets a reference box, the cell box of a cell the
    object token points at (:class:`SimVGHead` picks them), and predicts a
    refinement of it, as the decoder branch does with its proposals; the
    decoder still does not run.

    Args:
        in_channels: width of the object token.
        point_dims: width of the pointing projections; 0 for none.
        with_reference: refine reference boxes (see above).
        num_token_mlp_layers: Linear layers (ReLU between) after adding the
            query; 0 for none.
        others: see :class:`SimVGSetHead`.
    """

    def __init__(self,
                 in_channels: int = 768,
                 embed_dims: int = 256,
                 point_dims: int = 0,
                 num_token_mlp_layers: int = 1,
                 **kwargs) -> None:
        super().__init__(embed_dims=embed_dims, **kwargs)
        if self.with_reference and not point_dims:
            raise ValueError('The token branch picks its reference boxes by '
                             'pointing: with_reference needs point_dims.')
        self.token_proj = nn.Linear(in_channels, embed_dims)
        self.token_mlp = (
            MLP(embed_dims, embed_dims, embed_dims, num_token_mlp_layers)
            if num_token_mlp_layers else nn.Identity())
        self.point_dims = point_dims
        if point_dims:
            self.point_token = nn.Linear(in_channels, point_dims)
            self.point_patch = nn.Linear(in_channels, point_dims)
            self.point_xy = nn.Linear(in_channels, 2)

    def forward(self,
                object_token: Tensor,
                queries: Tensor,
                ref_boxes: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        """Object token (B, C), queries (B, Q, D) and, with
        ``with_reference``, reference cxcywh (B, Q, 4) -> class logits
        (1, B, Q, 2) and sigmoid cxcywh (1, B, Q, 4)."""
        self.check_reference(ref_boxes)
        hidden = self.token_proj(object_token)[:, None] + queries
        if self.with_reference:
            hidden = hidden + self.ref_embed(ref_boxes)
        cls, boxes = self.predict_layers(self.token_mlp(hidden), ref_boxes)
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
