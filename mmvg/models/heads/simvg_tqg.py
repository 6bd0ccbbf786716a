"""SimVG's text-guided query generation (TQG)."""
from typing import Optional

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.models.utils import build_detr_decoder
from mmvg.registry import MODELS


def masked_max_pool(tokens: Tensor, padding_mask: Tensor) -> Tensor:
    """Max over the non-padding tokens of (B, L, C) -> (B, C)."""
    fill = torch.finfo(tokens.dtype).min
    return tokens.masked_fill(padding_mask[..., None], fill).max(dim=1).values


@MODELS.register_module()
class TextGuidedQueryGenerator(BaseModule):
    """Object queries that carry a text prior.

    Learned query embeddings cross-attend to the encoded expression in a
    small DETR decoder; its output, the max-pooled text and the embedding
    itself are summed into the queries' positional embedding. With
    ``text_guided=False`` (the ablation without TQG) only the learned
    embedding is returned.

    Args:
        num_queries: 1 for REC, 10 for GREC in SimVG.
        in_channels: width of the encoder's text tokens.
        embed_dims: width of the queries.
        num_layers, num_heads, ffn_dims: size of the text decoder.
        text_guided: False turns TQG off.
    """

    def __init__(self,
                 num_queries: int = 1,
                 in_channels: int = 768,
                 embed_dims: int = 256,
                 num_layers: int = 2,
                 num_heads: int = 8,
                 ffn_dims: int = 512,
                 dropout: float = 0.1,
                 text_guided: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_queries = num_queries
        self.embed_dims = embed_dims
        self.text_guided = text_guided
        self.query_embed = nn.Embedding(num_queries, embed_dims)
        if not text_guided:
            return
        self.text_proj = nn.Linear(in_channels, embed_dims)
        self.decoder = build_detr_decoder(
            num_layers, embed_dims, num_heads, ffn_dims, dropout,
            return_intermediate=False)

    def forward(self, text: Tensor, text_padding_mask: Tensor) -> Tensor:
        """Query positional embeddings (B, num_queries, embed_dims) from the
        text tokens (B, L, C) and their padding mask (B, L, True = pad)."""
        embed = self.query_embed.weight[None].expand(text.size(0), -1, -1)
        if not self.text_guided:
            return embed
        text = self.text_proj(text)
        guided = self.decoder(
            query=embed, key=text, value=text, query_pos=None, key_pos=None,
            key_padding_mask=text_padding_mask)[-1]
        return guided + masked_max_pool(text, text_padding_mask)[:, None] \
            + embed
