"""SimVG's text-guided query generation (TQG)."""
from typing import List, Optional

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.models.utils import build_detr_decoder
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures, GroundingQueries

TEXT_POOLS = ('official', 'masked_max')


def masked_max_pool(tokens: Tensor, padding_mask: Tensor) -> Tensor:
    """Max over the non-padding tokens of (B, L, C) -> (B, C)."""
    fill = torch.finfo(tokens.dtype).min
    return tokens.masked_fill(padding_mask[..., None], fill).max(dim=1).values


def last_tokens_max_pool(tokens: Tensor, padding_mask: Tensor) -> Tensor:
    """Max of the last token and, if the sample has padding, the second to
    last one: (B, L, C) -> (B, C).

    SimVG's max over the valid tokens as its released code computes it: it
    indexes with ``~mask`` on an integer mask, i.e. with -1 and -2.
    """
    last = tokens[:, -1]
    padded = padding_mask.any(dim=1, keepdim=True)
    return torch.where(padded, torch.maximum(last, tokens[:, -2]), last)


def text_positions(length: int, dims: int, ref: Tensor) -> Tensor:
    """SimVG's 1-D sine positions of the text tokens, (length, dims):
    ``[sin p, cos p, 0, 1, 0, 1, ...]`` for token p = 0, 1, ... (padding
    included).

    The official embedding casts its frequencies 10000^(-2i/dims) to int,
    which keeps 1 for i = 0 and 0 for all the others.
    """
    position = torch.arange(length, dtype=ref.dtype, device=ref.device)
    pos = ref.new_zeros(length, dims)
    pos[:, 1::2] = 1.
    pos[:, 0], pos[:, 1] = position.sin(), position.cos()
    return pos


@MODELS.register_module()
class TextGuidedQueryGenerator(BaseModule):
    """Object queries that carry a text prior.

    As in SimVG: zero queries, with the learned embeddings as their
    positions, cross-attend to the projected text tokens (which get 1-D sine
    positions, see :func:`text_positions`) in a small post-norm DETR
    decoder; its output, the pooled projected text and the embedding itself
    are summed into the queries' positional embedding. With
    ``text_guided=False`` (the ablation without TQG) only the learned
    embedding is returned.

    Args:
        num_queries: 1 for REC, 10 for GREC in SimVG.
        in_channels: width of the encoder's text tokens.
        embed_dims: width of the queries.
        num_layers, num_heads, ffn_dims, dropout: size of the text decoder.
        text_guided: False turns TQG off.
        text_pool: ``'official'`` pools like the released SimVG code
            (:func:`last_tokens_max_pool`; needed by its checkpoints),
            ``'masked_max'`` takes the max over the valid tokens.
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
                 text_pool: str = 'official',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if text_pool not in TEXT_POOLS:
            raise ValueError(f'text_pool must be one of {TEXT_POOLS}, got '
                             f'{text_pool!r}')
        self.num_queries = num_queries
        self.embed_dims = embed_dims
        self.text_guided = text_guided
        self.text_pool = text_pool
        self.query_embed = nn.Embedding(num_queries, embed_dims)
        if not text_guided:
            return
        self.text_proj = nn.Linear(in_channels, embed_dims)
        self.decoder = build_detr_decoder(
            num_layers,
            embed_dims,
            num_heads,
            ffn_dims,
            dropout,
            return_intermediate=False)

    def forward(self,
                feats: GroundingFeatures,
                img_metas: Optional[List[dict]] = None) -> GroundingQueries:
        """The queries of a grounder's query stage from the encoder's text
        tokens."""
        feats.require('text', by=type(self).__name__)
        return GroundingQueries(
            embed=self.generate(feats.text, feats.text_mask))

    def generate(self, text: Tensor, text_padding_mask: Tensor) -> Tensor:
        """Query positional embeddings (B, num_queries, embed_dims) from the
        text tokens (B, L, C) and their padding mask (B, L, True = pad)."""
        embed = self.query_embed.weight[None].expand(text.size(0), -1, -1)
        if not self.text_guided:
            return embed
        text = self.text_proj(text)
        key_pos = text_positions(text.size(1), self.embed_dims, text)
        guided = self.decoder(
            query=torch.zeros_like(embed),
            key=text,
            value=text,
            query_pos=embed,
            key_pos=key_pos.expand_as(text),
            key_padding_mask=text_padding_mask)[-1]
        pool = (
            last_tokens_max_pool
            if self.text_pool == 'official' else masked_max_pool)
        return guided + pool(text, text_padding_mask)[:, None] + embed
