"""SimVG's token branch (TB): boxes straight from the object token."""
from typing import Tuple

from mmdet.models.layers import MLP
from torch import Tensor, nn

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .simvg_set_head import SimVGSetHead


@MODELS.register_module()
class SimVGTokenBranch(SimVGSetHead):
    """The encoder's object token (vision [CLS]), projected and added to
    each query embedding (``feats.queries.embed``, TQG's), goes through
    SimVG's token MLP (one Linear, no activation, in the released configs)
    to a class and a box per query: no decoder, hence SimVG's fast
    inference.

    Args:
        in_channels: width of the object token.
        num_token_mlp_layers: Linear layers (ReLU between) after adding the
            query; 0 for none.
        others: see :class:`SimVGSetHead`.
    """

    def __init__(self,
                 in_channels: int = 768,
                 embed_dims: int = 256,
                 num_token_mlp_layers: int = 1,
                 **kwargs) -> None:
        super().__init__(embed_dims=embed_dims, **kwargs)
        self.token_proj = nn.Linear(in_channels, embed_dims)
        self.token_mlp = (
            MLP(embed_dims, embed_dims, embed_dims, num_token_mlp_layers)
            if num_token_mlp_layers else nn.Identity())

    def forward(self, feats: GroundingFeatures) -> Tuple[Tensor, Tensor]:
        """Class logits (1, B, Q, 2) and sigmoid cxcywh (1, B, Q, 4) from
        the object token (B, C) and the query embeddings (B, Q, D)."""
        feats.require('object_token', 'queries', by=type(self).__name__)
        hidden = self.token_mlp(
            self.token_proj(feats.object_token)[:, None] + feats.queries.embed)
        cls, boxes = self.predict_layers(hidden)
        return cls[None], boxes[None]
