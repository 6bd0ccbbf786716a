"""One pre-LayerNorm BEiT-3 block over the vision and text streams."""
from typing import Optional

from torch import Tensor, nn

from .attention import MultiwaySelfAttention
from .feedforward import SubLNFeedForward
from .multiway import Multiway, OptTensor, Streams, drop_path_streams


def _add(residual: OptTensor, update: OptTensor) -> OptTensor:
    return None if residual is None else residual + update


class MultiwayEncoderLayer(nn.Module):
    """``x + DropPath(Attn(LN(x)))`` then ``x + DropPath(FFN(LN(x)))`` with
    modality-specific norms and FFN experts (torchscale ``EncoderLayer``,
    ``encoder_normalize_before=True``).

    Args:
        embed_dims: Token width.
        num_heads: Attention heads.
        ffn_dims: Hidden width of the FFN experts.
        drop_path: Stochastic-depth probability of this block.
        eps: LayerNorm epsilon.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 ffn_dims: int,
                 drop_path: float = 0.,
                 eps: float = 1e-5) -> None:
        super().__init__()

        def norm() -> nn.Module:
            return nn.LayerNorm(embed_dims, eps=eps)

        self.self_attn = MultiwaySelfAttention(embed_dims, num_heads, eps)
        self.self_attn_layer_norm = Multiway.twin(norm)
        self.ffn = Multiway.twin(
            lambda: SubLNFeedForward(embed_dims, ffn_dims, eps))
        self.final_layer_norm = Multiway.twin(norm)
        self.drop_path = drop_path

    def forward(self,
                vision: OptTensor,
                text: OptTensor,
                attn_mask: Optional[Tensor] = None) -> Streams:
        update = self.self_attn(*self.self_attn_layer_norm(vision, text),
                                attn_mask)
        update = drop_path_streams(*update, self.drop_path, self.training)
        vision, text = _add(vision, update[0]), _add(text, update[1])

        update = self.ffn(*self.final_layer_norm(vision, text))
        update = drop_path_streams(*update, self.drop_path, self.training)
        return _add(vision, update[0]), _add(text, update[1])

    def extra_repr(self) -> str:
        return f'drop_path={self.drop_path}'
