"""Stack of BEiT-3 blocks with positions added in and a final multiway norm."""
from typing import Optional, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from .embeddings import MultiwayPositionEmbedding
from .encoder_layer import MultiwayEncoderLayer
from .multiway import Multiway, OptTensor, Streams


def key_padding_attn_mask(
        vision: OptTensor,
        text_padding_mask: Optional[Tensor]) -> Optional[Tensor]:
    """(B, 1, 1, N) bool mask, True for keys that may be attended, or None
    when nothing is padded (lets SDPA pick its fastest kernel)."""
    if text_padding_mask is None:
        return None
    keep = ~text_padding_mask
    if vision is not None:
        keep = torch.cat([keep.new_ones(vision.shape[:2]), keep], dim=1)
    return keep[:, None, None, :]


class MultiwayEncoder(nn.Module):
    """torchscale ``Encoder`` as BEiT-3 configures it: no embedding scale, no
    embedding LayerNorm, pre-LN blocks with sub-LN, output LayerNorm.

    Args:
        embed_dims: Token width.
        num_layers: Number of blocks.
        num_heads: Attention heads.
        ffn_dims: Hidden width of the FFN experts.
        grid_hw: Patch grid of the stored vision position table.
        max_text_positions: Rows of the text position table.
        drop_path_rate: Stochastic depth of the last block; it rises linearly
            from 0 in the first block.
        eps: LayerNorm epsilon.
    """

    def __init__(self,
                 embed_dims: int,
                 num_layers: int,
                 num_heads: int,
                 ffn_dims: int,
                 grid_hw: Tuple[int, int],
                 max_text_positions: int,
                 drop_path_rate: float = 0.,
                 eps: float = 1e-5) -> None:
        super().__init__()
        self.embed_positions = MultiwayPositionEmbedding(
            grid_hw, max_text_positions, embed_dims)
        rates = np.linspace(0, drop_path_rate, num_layers).tolist()
        self.layers = nn.ModuleList(
            MultiwayEncoderLayer(embed_dims, num_heads, ffn_dims, rate, eps)
            for rate in rates)
        self.layer_norm = Multiway.twin(
            lambda: nn.LayerNorm(embed_dims, eps=eps))

    def forward(self,
                vision: OptTensor,
                vision_hw: Optional[Tuple[int, int]],
                text: OptTensor,
                text_padding_mask: Optional[Tensor] = None) -> Streams:
        """Encode embedded tokens.

        Args:
            vision: (B, 1 + h*w, C) [CLS] + patch embeddings, or None.
            vision_hw: Patch grid (h, w) of ``vision``.
            text: (B, L, C) token embeddings, or None.
            text_padding_mask: (B, L) bool, True at padding, or None.
        """
        if vision is not None:
            vision = vision + self.embed_positions.vision(vision_hw)
        if text is not None:
            text = text + self.embed_positions.text(text.size(1))
            if text_padding_mask is not None:
                text = text.masked_fill(text_padding_mask[..., None], 0.)
        attn_mask = key_padding_attn_mask(vision, text_padding_mask)
        for layer in self.layers:
            vision, text = layer(vision, text, attn_mask)
        return self.layer_norm(vision, text)
