"""SimVG's token branch (TB): boxes straight from the object token."""
from typing import Tuple

from mmdet.models.layers import MLP
from torch import Tensor

from mmvg.registry import MODELS
from .simvg_set_head import SimVGSetHead


@MODELS.register_module()
class SimVGTokenBranch(SimVGSetHead):
    """The encoder's object token (vision [CLS]), added to each TQG query,
    goes through a small MLP to a class and a box per query: no decoder,
    hence SimVG's fast inference.

    Args:
        in_channels: width of the object token.
        others: see :class:`SimVGSetHead`.
    """

    def __init__(self, in_channels: int = 768, embed_dims: int = 256,
                 **kwargs) -> None:
        super().__init__(embed_dims=embed_dims, **kwargs)
        self.token_mlp = MLP(in_channels, embed_dims, embed_dims, 2)

    def forward(self, object_token: Tensor,
                queries: Tensor) -> Tuple[Tensor, Tensor]:
        """Object token (B, C) and queries (B, Q, D) -> class logits
        (1, B, Q, 2) and sigmoid cxcywh (1, B, Q, 4)."""
        hidden = self.token_mlp(object_token)[:, None] + queries
        cls, boxes = self.predict_layers(hidden)
        return cls[None], boxes[None]
