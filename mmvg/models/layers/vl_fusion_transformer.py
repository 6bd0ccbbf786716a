"""TransVG's visual-linguistic fusion transformer with a [REG] token."""
from typing import Dict, Optional

import torch
from mmdet.models.layers import DetrTransformerEncoder
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.registry import MODELS


@MODELS.register_module()
class VLFusionTransformer(BaseModule):
    """Jointly encode ``[REG] + visual tokens + text tokens``.

    Reuses mmdet's DETR encoder layers; positions are added to queries and
    keys in every layer (DETR style): the caller's 2-D visual positions,
    learned text positions and a learned [REG] position.

    Args:
        embed_dims: token width.
        num_layers: encoder layers.
        num_heads: attention heads.
        ffn_dims: hidden width of the feed-forward blocks.
        max_text_len: number of learned text positions.
        dropout: dropout in attention and FFN.
    """

    def __init__(self,
                 embed_dims: int = 256,
                 num_layers: int = 6,
                 num_heads: int = 8,
                 ffn_dims: int = 2048,
                 max_text_len: int = 40,
                 dropout: float = 0.1,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.embed_dims = embed_dims
        self.encoder = DetrTransformerEncoder(
            num_layers=num_layers,
            layer_cfg=dict(
                self_attn_cfg=dict(
                    embed_dims=embed_dims,
                    num_heads=num_heads,
                    attn_drop=dropout,
                    proj_drop=dropout,
                    batch_first=True),
                ffn_cfg=dict(
                    embed_dims=embed_dims,
                    feedforward_channels=ffn_dims,
                    ffn_drop=dropout)))
        self.reg_token = nn.Embedding(1, embed_dims)
        self.reg_pos = nn.Embedding(1, embed_dims)
        self.text_pos = nn.Embedding(max_text_len, embed_dims)

    def forward(self, visual: Tensor, visual_pos: Tensor, visual_mask: Tensor,
                text: Tensor, text_mask: Tensor) -> Dict[str, Tensor]:
        """Fuse the two modalities.

        Args:
            visual: (B, N, C) visual tokens; ``visual_pos`` the same shape.
            visual_mask: (B, N) True at padded image positions.
            text: (B, L, C) text tokens; ``text_mask`` (B, L) True at padding.

        Returns:
            dict with ``reg`` (B, C), ``visual`` (B, N, C), ``text`` (B, L, C).
        """
        batch, num_visual = visual.shape[:2]
        num_text = text.shape[1]
        if num_text > self.text_pos.num_embeddings:
            raise ValueError(f'{num_text} text tokens exceed max_text_len='
                             f'{self.text_pos.num_embeddings}.')
        reg = self.reg_token.weight.expand(batch, 1, -1)
        reg_pos = self.reg_pos.weight.expand(batch, 1, -1)
        text_pos = self.text_pos.weight[:num_text].expand(batch, -1, -1)
        query = torch.cat([reg, visual, text], dim=1)
        query_pos = torch.cat([reg_pos, visual_pos, text_pos], dim=1)
        reg_mask = visual_mask.new_zeros(batch, 1)
        padding_mask = torch.cat([reg_mask, visual_mask, text_mask], dim=1)
        out = self.encoder(
            query=query, query_pos=query_pos, key_padding_mask=padding_mask)
        return dict(
            reg=out[:, 0],
            visual=out[:, 1:1 + num_visual],
            text=out[:, 1 + num_visual:])
