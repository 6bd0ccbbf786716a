"""Resample tokens laid out on one grid onto another grid."""
from typing import Tuple

import torch.nn.functional as F
from torch import Tensor


def resample_tokens(tokens: Tensor, hw: Tuple[int, int],
                    size: Tuple[int, int]) -> Tensor:
    """Bilinear resampling (``align_corners=False``: both grids cover the
    same input area) of (B, h*w, C) row-major tokens on grid ``hw`` to
    (B, size_h*size_w, C) on grid ``size``."""
    batch, num, channels = tokens.shape
    if hw[0] * hw[1] != num:
        raise ValueError(f'{num} tokens do not fill a {hw[0]}x{hw[1]} grid.')
    if tuple(hw) == tuple(size):
        return tokens
    grid = tokens.transpose(1, 2).reshape(batch, channels, *hw)
    grid = F.interpolate(
        grid, size=tuple(size), mode='bilinear', align_corners=False)
    return grid.flatten(2).transpose(1, 2)
