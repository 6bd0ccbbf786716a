"""A DETR decoder whose queries read the encoder's visual tokens."""
from typing import Optional

from mmdet.models.layers import SinePositionalEncoding
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.models.utils import build_detr_decoder
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures, GroundingQueries


@MODELS.register_module()
class VisualQueryDecoder(BaseModule):
    """The decoding step of a grounder (mmdet's ``forward_decoder``), as
    SimVG's decoder branch has it: a DETR decoder without an encoder (the
    multimodal encoder already fused image and text). Visual tokens are
    projected to ``embed_dims`` and get 2-D sine positions; padded patches
    are masked; the queries start at zero with ``queries.embed`` as their
    positions. Every layer's output is returned (auxiliary losses).

    Args:
        in_channels: width of the encoder's visual tokens.
        embed_dims: width of the queries.
        num_layers, num_heads, ffn_dims, dropout: decoder size.
    """

    def __init__(self,
                 in_channels: int = 768,
                 embed_dims: int = 256,
                 num_layers: int = 3,
                 num_heads: int = 8,
                 ffn_dims: int = 2048,
                 dropout: float = 0.1,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.embed_dims = embed_dims
        self.input_proj = nn.Linear(in_channels, embed_dims)
        self.positional_encoding = SinePositionalEncoding(
            num_feats=embed_dims // 2, normalize=True)
        self.decoder = build_detr_decoder(
            num_layers,
            embed_dims,
            num_heads,
            ffn_dims,
            dropout,
            return_intermediate=True)

    def query_pos(self, queries: GroundingQueries) -> Tensor:
        """The queries' positions (B, Q, D): their embeddings."""
        return queries.embed

    def forward(self, feats: GroundingFeatures,
                queries: GroundingQueries) -> Tensor:
        """The decoder's output (L, B, Q, D), every layer's."""
        key_pos = self.positional_encoding(
            feats.visual_mask_map()).flatten(2).transpose(1, 2)
        memory = self.input_proj(feats.visual)
        query_pos = self.query_pos(queries)
        return self.decoder(
            query=query_pos.new_zeros(query_pos.shape),
            key=memory,
            value=memory,
            query_pos=query_pos,
            key_pos=key_pos,
            key_padding_mask=feats.visual_mask)
