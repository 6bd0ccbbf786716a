"""VG-LAW's language adaptive pooling (LAP) of a visual feature map."""
import math
from typing import Optional, Tuple

import torch
from torch import Tensor, nn


class LanguageAdaptivePooling(nn.Module):
    """Pool a (B, C, h, w) map into one (B, C) vector per expression.

    The visual features and the expression's [CLS] feature are projected to
    ``pool_dims`` (k); a softmax over the positions of their dot products,
    padding positions excluded, weights the (unprojected) visual features.
    The dot products are scaled by 1/sqrt(k), as in attention, so the first
    softmax is not saturated whatever k is.

    Args:
        in_channels: visual channels C.
        lang_dims: language channels d_l.
        pool_dims: k, the shared projection width.
    """

    def __init__(self,
                 in_channels: int,
                 lang_dims: int,
                 pool_dims: int = 256) -> None:
        super().__init__()
        self.visual_proj = nn.Linear(in_channels, pool_dims)
        self.lang_proj = nn.Linear(lang_dims, pool_dims)
        self.scale = 1.0 / math.sqrt(pool_dims)

    def forward(
            self,
            visual: Tensor,
            lang_cls: Tensor,
            padding_mask: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        """Return the pooled features (B, C) and the weights (B, h, w).

        Args:
            visual: (B, C, h, w) visual features.
            lang_cls: (B, d_l) [CLS] language features.
            padding_mask: (B, h, w) bool, True where the cell is batch
                padding; those cells get zero weight.
        """
        batch, _, height, width = visual.shape
        tokens = visual.flatten(2).transpose(1, 2)
        logits = torch.einsum('bnk,bk->bn', self.visual_proj(tokens),
                              self.lang_proj(lang_cls)) * self.scale
        if padding_mask is not None:
            logits = logits.masked_fill(padding_mask.flatten(1), float('-inf'))
        weights = logits.softmax(dim=-1)
        pooled = torch.einsum('bn,bnc->bc', weights, tokens)
        return pooled, weights.view(batch, height, width)
