"""BEiT-3's feed-forward expert, with a sub-LayerNorm before its output."""
import torch.nn.functional as F
from torch import Tensor, nn


class SubLNFeedForward(nn.Module):
    """``fc2(LayerNorm(GELU(fc1(x))))``: torchscale's ``FeedForwardNetwork``
    with ``subln=True`` (the Magneto layout of the BEiT-3 configs).

    Args:
        embed_dims: Token width.
        hidden_dims: Width of the hidden layer (``embed_dims * mlp_ratio``).
        eps: LayerNorm epsilon.
    """

    def __init__(self,
                 embed_dims: int,
                 hidden_dims: int,
                 eps: float = 1e-5) -> None:
        super().__init__()
        self.fc1 = nn.Linear(embed_dims, hidden_dims)
        self.ffn_layernorm = nn.LayerNorm(hidden_dims, eps=eps)
        self.fc2 = nn.Linear(hidden_dims, embed_dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.ffn_layernorm(F.gelu(self.fc1(x))))
