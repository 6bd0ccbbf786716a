"""Resizing of learned position grids and patch kernels to new input sizes.

Both follow SimVG's BEiT-3 loader: bicubic ``F.interpolate`` with
``align_corners=False``. The patch kernel (16x16 in the official checkpoints,
32x32 in SimVG) is interpolated as an image, not with FlexiViT's
pseudo-inverse resize, so that weights match what SimVG trained from.
"""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def _at_least_float32(x: Tensor) -> Tensor:
    return x.to(torch.promote_types(x.dtype, torch.float32))


def resize_pos_grid(grid: Tensor, src_hw: Tuple[int, int],
                    dst_hw: Tuple[int, int]) -> Tensor:
    """Bicubically resize a (h*w, C) row-major grid of position embeddings.

    Computed in at least float32 (bicubic is not implemented for every half
    type on every device) and returned in the input dtype.
    """
    if tuple(src_hw) == tuple(dst_hw):
        return grid
    (src_h, src_w), channels = src_hw, grid.size(-1)
    if grid.size(0) != src_h * src_w:
        raise ValueError(f'position grid has {grid.size(0)} rows, expected '
                         f'{src_h}x{src_w}={src_h * src_w}')
    image = _at_least_float32(grid).reshape(1, src_h, src_w, channels)
    image = image.permute(0, 3, 1, 2)
    image = F.interpolate(
        image, size=tuple(dst_hw), mode='bicubic', align_corners=False)
    return image.permute(0, 2, 3, 1).reshape(-1, channels).to(grid.dtype)


def resize_patch_kernel(weight: Tensor, size: Tuple[int, int]) -> Tensor:
    """Bicubically resize a (C_out, C_in, kh, kw) patch-embedding kernel."""
    if tuple(weight.shape[-2:]) == tuple(size):
        return weight
    return F.interpolate(
        _at_least_float32(weight),
        size=tuple(size),
        mode='bicubic',
        align_corners=False).to(weight.dtype)
