"""Multi-head self-attention of a ViT block: global or windowed (ViTDet)."""
from typing import Callable, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .position_embedding import decomposed_rel_pos_bias
from .window import pad_to_windows, window_merge, window_partition

#: Takes the attention input x (B, N, C) and its static projection
#: qkv (B, N, 3C) and returns qkv with a dynamic part added (possibly in
#: place): how the language-adaptive ViT injects its per-sample weights.
QKVAdapter = Callable[[Tensor, Tensor], Tensor]


class Attention(nn.Module):
    """Self-attention with timm's parameter names (``qkv``, ``proj``).

    Args:
        embed_dims: token channels C.
        num_heads: attention heads.
        qkv_bias: learn a bias in the qkv projection.
        window_size: > 0 attends inside non-overlapping windows of this many
            patches per side (the map is zero-padded to window multiples
            before the qkv projection, as ViTDet does); 0 attends globally.
        rel_pos_size: grid side the decomposed relative position tables
            ``rel_pos_h/w`` (2 * size - 1 rows) are made for; None disables
            relative positions. Other grids resample the tables linearly.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 qkv_bias: bool = True,
                 window_size: int = 0,
                 rel_pos_size: Optional[int] = None) -> None:
        super().__init__()
        if embed_dims % num_heads:
            raise ValueError(f'embed_dims {embed_dims} is not divisible by '
                             f'num_heads {num_heads}.')
        self.num_heads = num_heads
        self.window_size = window_size
        self.qkv = nn.Linear(embed_dims, embed_dims * 3, bias=qkv_bias)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.use_rel_pos = rel_pos_size is not None
        if self.use_rel_pos:
            head_dims = embed_dims // num_heads
            self.rel_pos_h = nn.Parameter(
                torch.zeros(2 * rel_pos_size - 1, head_dims))
            self.rel_pos_w = nn.Parameter(
                torch.zeros(2 * rel_pos_size - 1, head_dims))

    def forward(self,
                x: Tensor,
                grid: Tuple[int, int],
                qkv_adapter: Optional[QKVAdapter] = None,
                attn_bias: Optional[Tensor] = None) -> Tensor:
        """Attend over (B, N, C) tokens laid out on ``grid`` (H, W).

        N is H * W, or 1 + H * W with a leading [CLS] token (global
        attention without relative positions only); with global attention
        any other tokens may come too (ViLT puts text first), and
        ``attn_bias`` (broadcastable to (B, heads, N, N), -inf = masked) is
        added to the logits.
        """
        if attn_bias is not None and (self.window_size or self.use_rel_pos):
            raise ValueError('attn_bias needs global attention without '
                             'relative positions.')
        batch, _, channels = x.shape
        attn_grid = grid
        if self.window_size:
            x = pad_to_windows(
                x.view(batch, *grid, channels), self.window_size)
            padded_grid = x.shape[1:3]
            x = x.flatten(1, 2)
            attn_grid = (self.window_size, self.window_size)
        qkv = self.qkv(x)
        if qkv_adapter is not None:
            qkv = qkv_adapter(x, qkv)
        if self.window_size:
            qkv = window_partition(
                qkv.view(batch, *padded_grid, -1), self.window_size)
        qkv = qkv.unflatten(-1, (3, self.num_heads, -1))
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        bias = decomposed_rel_pos_bias(
            q, self.rel_pos_h, self.rel_pos_w,
            attn_grid) if self.use_rel_pos else attn_bias
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        out = out.transpose(1, 2).flatten(2)
        if self.window_size:
            out = window_merge(out, self.window_size, padded_grid, grid)
        return self.proj(out)
