"""Non-overlapping window partitioning of token maps (ViTDet)."""
from typing import Tuple

import torch.nn.functional as F
from torch import Tensor


def pad_to_windows(x: Tensor, window_size: int) -> Tensor:
    """Zero-pad a (B, H, W, C) map at the bottom/right to window multiples."""
    height, width = x.shape[1:3]
    pad_h = -height % window_size
    pad_w = -width % window_size
    if pad_h or pad_w:
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
    return x


def window_partition(x: Tensor, window_size: int) -> Tensor:
    """Split a padded (B, Hp, Wp, C) map into (B * nW, ws * ws, C) windows.

    The windows of one sample stay contiguous along the first dimension.
    """
    batch, height, width, channels = x.shape
    x = x.view(batch, height // window_size, window_size, width // window_size,
               window_size, channels)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, window_size * window_size,
                                               channels)


def window_merge(windows: Tensor, window_size: int,
                 padded_grid: Tuple[int, int], grid: Tuple[int,
                                                           int]) -> Tensor:
    """Inverse of :func:`window_partition`, dropping the padding.

    Returns:
        (B, H * W, C) tokens of the unpadded ``grid``.
    """
    padded_h, padded_w = padded_grid
    height, width = grid
    n_h, n_w = padded_h // window_size, padded_w // window_size
    channels = windows.shape[-1]
    x = windows.view(-1, n_h, n_w, window_size, window_size, channels)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(-1, padded_h, padded_w, channels)
    return x[:, :height, :width].reshape(-1, height * width, channels)
