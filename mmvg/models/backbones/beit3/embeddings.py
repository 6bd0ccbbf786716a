"""Token and position embeddings of BEiT-3 (torchscale layout)."""
from typing import Optional, Tuple

import torch
from torch import Tensor, nn

from mmvg.models.layers import PatchEmbed
from .resize import resize_pos_grid


class PatchEmbedWithCLS(PatchEmbed):
    """Non-overlapping patch projection with a [CLS] token prepended.

    Parameter names (``proj``, ``cls_token``) follow torchscale's
    ``VisionEmbedding``. Its ``mask_token`` is left out: only masked image
    modelling uses it, and an unused parameter breaks DDP training.

    Args:
        in_channels: Image channels.
        embed_dims: Token width.
        patch_size: Side of the square patches (and of the conv kernel).
        proj_cfg: config of a registered module to use as ``proj``
            instead of the patchify conv (see :class:`PatchEmbed`).
    """

    def __init__(self,
                 in_channels: int,
                 embed_dims: int,
                 patch_size: int,
                 proj_cfg: Optional[dict] = None) -> None:
        super().__init__(in_channels, embed_dims, patch_size, proj_cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))

    def forward(self, img: Tensor) -> Tuple[Tensor, Tuple[int, int]]:
        """(B, C, H, W) image -> ((B, 1 + h*w, C) tokens, (h, w) grid)."""
        height, width = img.shape[-2:]
        if height % self.patch_size or width % self.patch_size:
            raise ValueError(
                f'image size {height}x{width} is not a multiple of the patch '
                f'size {self.patch_size}; pad the batch (e.g. mmdet Pad with '
                f'size_divisor={self.patch_size})')
        patches = self.proj(img)
        grid_hw = tuple(patches.shape[-2:])
        patches = patches.flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(patches.size(0), -1, -1)
        return torch.cat([cls, patches], dim=1), grid_hw


class MultiwayPositionEmbedding(nn.Module):
    """Learned absolute positions, one table per modality.

    ``A`` holds the [CLS] token and the patch grid, ``B`` the text positions.
    As in fairseq/torchscale both tables are read from row 2 on (rows 0 and 1
    are never used); each modality counts its positions from there.

    Args:
        grid_hw: Patch grid the vision table is stored for.
        max_text_positions: Rows of the text table (incl. the 2 offset rows).
        embed_dims: Token width.
    """

    offset = 2

    def __init__(self, grid_hw: Tuple[int, int], max_text_positions: int,
                 embed_dims: int) -> None:
        super().__init__()
        self.grid_hw = tuple(grid_hw)
        num_vision = 1 + grid_hw[0] * grid_hw[1]
        self.A = nn.Embedding(self.offset + num_vision, embed_dims)
        self.B = nn.Embedding(max_text_positions, embed_dims)

    def vision(self, grid_hw: Tuple[int, int]) -> Tensor:
        """(1, 1 + h*w, C) positions of [CLS] and a patch grid of any size;
        the stored grid is bicubically resized when the size differs."""
        table = self.A.weight[self.offset:]
        grid = resize_pos_grid(table[1:], self.grid_hw, grid_hw)
        return torch.cat([table[:1], grid]).unsqueeze(0)

    def text(self, length: int) -> Tensor:
        """(1, length, C) positions of a text sequence."""
        max_length = self.B.num_embeddings - self.offset
        if length > max_length:
            raise ValueError(f'text of {length} tokens exceeds the '
                             f'{max_length} positions of the text table')
        return self.B.weight[self.offset:self.offset + length].unsqueeze(0)
