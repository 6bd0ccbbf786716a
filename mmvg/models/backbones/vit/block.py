"""A pre-norm ViT block with timm's module names."""
from typing import Optional, Tuple

from mmcv.cnn.bricks.drop import DropPath
from torch import Tensor, nn

from .attention import Attention, QKVAdapter


class Mlp(nn.Module):
    """fc1 -> GELU -> fc2, written here because checkpoints name it so."""

    def __init__(self, embed_dims: int, hidden_dims: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(embed_dims, hidden_dims)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dims, embed_dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """``x + attn(norm1(x))`` then ``x + mlp(norm2(x))``, with drop-path.

    Args:
        embed_dims: token channels.
        num_heads: attention heads.
        mlp_ratio: MLP hidden channels / ``embed_dims``.
        qkv_bias: learn a bias in the qkv projection.
        drop_path: stochastic depth rate of both residual branches.
        norm_eps: LayerNorm epsilon (1e-6 in timm/MAE/ViTDet ViTs).
        window_size: see :class:`Attention`.
        rel_pos_size: see :class:`Attention`.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 mlp_ratio: float = 4.0,
                 qkv_bias: bool = True,
                 drop_path: float = 0.0,
                 norm_eps: float = 1e-6,
                 window_size: int = 0,
                 rel_pos_size: Optional[int] = None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(embed_dims, eps=norm_eps)
        self.attn = Attention(embed_dims, num_heads, qkv_bias, window_size,
                              rel_pos_size)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else \
            nn.Identity()
        self.norm2 = nn.LayerNorm(embed_dims, eps=norm_eps)
        self.mlp = Mlp(embed_dims, int(embed_dims * mlp_ratio))

    def forward(self,
                x: Tensor,
                grid: Tuple[int, int],
                qkv_adapter: Optional[QKVAdapter] = None,
                attn_bias: Optional[Tensor] = None) -> Tensor:
        """Transform (B, N, C) tokens on ``grid``; see :class:`Attention`."""
        x = x + self.drop_path(
            self.attn(self.norm1(x), grid, qkv_adapter, attn_bias))
        return x + self.drop_path(self.mlp(self.norm2(x)))
