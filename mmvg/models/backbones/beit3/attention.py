"""Joint self-attention over vision and text tokens with modality experts."""
from typing import Optional

import torch.nn.functional as F
from torch import Tensor, nn

from .multiway import Multiway, OptTensor, Streams, cat_streams, split_streams


class MultiwaySelfAttention(nn.Module):
    """Self-attention of BEiT-3 (torchscale ``MultiheadAttention`` with
    ``multiway=True, subln=True``).

    Every token attends to every vision and text token; the query, key,
    value and output projections and the sub-LayerNorm before the output
    projection are per-modality experts. The product runs through
    ``F.scaled_dot_product_attention`` (fused kernels where available).
    Attention dropout is not offered: the BEiT-3 configs set it to 0.

    Args:
        embed_dims: Token width.
        num_heads: Number of attention heads.
        eps: Epsilon of the sub-LayerNorm.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 eps: float = 1e-5) -> None:
        super().__init__()
        if embed_dims % num_heads:
            raise ValueError(f'embed_dims ({embed_dims}) must be divisible '
                             f'by num_heads ({num_heads})')
        self.num_heads = num_heads

        def linear() -> nn.Module:
            return nn.Linear(embed_dims, embed_dims)

        self.k_proj = Multiway.twin(linear)
        self.v_proj = Multiway.twin(linear)
        self.q_proj = Multiway.twin(linear)
        self.out_proj = Multiway.twin(linear)
        self.inner_attn_ln = Multiway.twin(
            lambda: nn.LayerNorm(embed_dims, eps=eps))

    def _heads(self, x: Tensor) -> Tensor:
        """(B, N, C) -> (B, heads, N, C / heads)."""
        b, n, c = x.shape
        return x.view(b, n, self.num_heads,
                      c // self.num_heads).transpose(1, 2)

    def forward(self,
                vision: OptTensor,
                text: OptTensor,
                attn_mask: Optional[Tensor] = None) -> Streams:
        """Attend over ``[vision; text]``.

        Args:
            vision: (B, Nv, C) vision tokens or None.
            text: (B, Nt, C) text tokens or None.
            attn_mask: Bool mask broadcastable to (B, heads, N, N), True where
                a key may be attended (padding keys are False), or None.
        """
        q, k, v = (
            self._heads(cat_streams(*proj(vision, text)))
            for proj in (self.q_proj, self.k_proj, self.v_proj))
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        out = out.transpose(1, 2).flatten(2)
        out = self.inner_attn_ln(*split_streams(out, vision, text))
        return self.out_proj(*out)
