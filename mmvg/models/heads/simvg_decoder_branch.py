"""SimVG's decoder branch (DB): a DETR decoder over the visual tokens."""
from typing import Tuple

from mmdet.models.layers import SinePositionalEncoding
from torch import Tensor, nn

from mmvg.models.utils import build_detr_decoder
from mmvg.registry import MODELS
from .simvg_set_head import SimVGSetHead


@MODELS.register_module()
class SimVGDecoderBranch(SimVGSetHead):
    """Queries (positions from TQG) decode the encoder's visual tokens.

    A DETR decoder without an encoder (the multimodal encoder already fused
    image and text); visual tokens are projected to ``embed_dims`` and get
    2-D sine positions; padded patches are masked. Every decoder layer is
    supervised (auxiliary losses).

    Args:
        in_channels: width of the encoder's visual tokens.
        num_layers, num_heads, ffn_dims, dropout: decoder size.
        others: see :class:`SimVGSetHead`.
    """

    def __init__(self,
                 in_channels: int = 768,
                 num_layers: int = 3,
                 num_heads: int = 8,
                 ffn_dims: int = 2048,
                 dropout: float = 0.1,
                 embed_dims: int = 256,
                 **kwargs) -> None:
        super().__init__(embed_dims=embed_dims, **kwargs)
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

    def forward(self, visual: Tensor, hw: Tuple[int, int], query_pos: Tensor,
                padding_mask: Tensor) -> Tuple[Tensor, Tensor]:
        """Decode patch tokens (B, h*w, C), whose padding ``padding_mask``
        (B, h*w) marks, with queries (B, Q, D).

        Returns:
            Class logits (L, B, Q, 2) and sigmoid cxcywh (L, B, Q, 4), one
            row per decoder layer.
        """
        return self.predict_layers(
            self.hidden_states(visual, hw, query_pos, padding_mask))

    def hidden_states(self, visual: Tensor, hw: Tuple[int, int],
                      query_pos: Tensor, padding_mask: Tensor) -> Tensor:
        """The decoder's output (L, B, Q, D), every layer's."""
        key_pos = self.positional_encoding(padding_mask.unflatten(
            1, hw)).flatten(2).transpose(1, 2)
        memory = self.input_proj(visual)
        return self.decoder(
            query=query_pos.new_zeros(query_pos.shape),
            key=memory,
            value=memory,
            query_pos=query_pos,
            key_pos=key_pos,
            key_padding_mask=padding_mask)
