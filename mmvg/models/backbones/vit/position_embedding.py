"""Resampling of absolute and relative position embeddings to new grids."""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def resize_pos_embed(pos_embed: Tensor,
                     src_grid: Tuple[int, int],
                     dst_grid: Tuple[int, int],
                     mode: str = 'bicubic',
                     align_corners: bool = False) -> Tensor:
    """Resample patch position embeddings to another grid (ViTDet, and
    transformers' ViTDet: bicubic, ``align_corners=False``; ViLT: bilinear,
    ``align_corners=True``).

    Args:
        pos_embed: (1, src_h * src_w, C) embeddings of the patch positions
            only (any [CLS] slot removed), row-major.
        src_grid: (src_h, src_w) of ``pos_embed``.
        dst_grid: (dst_h, dst_w) wanted.

    Returns:
        (1, dst_h * dst_w, C); ``pos_embed`` itself when the grids match.
    """
    if tuple(src_grid) == tuple(dst_grid):
        return pos_embed
    channels = pos_embed.shape[-1]
    grid = pos_embed.reshape(1, *src_grid, channels).permute(0, 3, 1, 2)
    grid = F.interpolate(
        grid.float(),
        size=tuple(dst_grid),
        mode=mode,
        align_corners=align_corners)
    return grid.to(pos_embed.dtype).flatten(2).transpose(1, 2)


def resize_rel_pos(rel_pos: Tensor, length: int) -> Tensor:
    """Linearly resample a (L, C) relative position table to ``length`` rows.

    The interpolation ViTDet applies when a block sees another grid than the
    one its table was trained for.
    """
    if rel_pos.shape[0] == length:
        return rel_pos
    table = rel_pos.t().unsqueeze(0).float()
    table = F.interpolate(table, size=length, mode='linear')
    return table.squeeze(0).t().to(rel_pos.dtype)


def decomposed_rel_pos_bias(query: Tensor, rel_pos_h: Tensor,
                            rel_pos_w: Tensor, grid: Tuple[int,
                                                           int]) -> Tensor:
    """Additive attention bias of decomposed relative positions (MViTv2).

    Bias between query (i, j) and key (k, l) is
    ``q . Rh[i - k] + q . Rw[j - l]`` with the *unscaled* query, as in ViTDet.

    Args:
        query: (B, heads, h * w, head_dim) queries of one attention window.
        rel_pos_h: (Lh, head_dim) table along the height.
        rel_pos_w: (Lw, head_dim) table along the width.
        grid: (h, w) of the window.

    Returns:
        (B, heads, h * w, h * w) bias to add to the attention logits.
    """
    height, width = grid
    rh = _relative_table(rel_pos_h, height)
    rw = _relative_table(rel_pos_w, width)
    q = query.unflatten(2, (height, width))
    bias_h = torch.einsum('bnhwc,hkc->bnhwk', q, rh)
    bias_w = torch.einsum('bnhwc,wkc->bnhwk', q, rw)
    bias = bias_h[..., :, None] + bias_w[..., None, :]
    return bias.flatten(4).flatten(2, 3)


def _relative_table(rel_pos: Tensor, size: int) -> Tensor:
    """(size, size, C) embeddings of offsets ``i - k`` for a square axis."""
    table = resize_rel_pos(rel_pos, 2 * size - 1)
    coords = torch.arange(size, device=rel_pos.device)
    offsets = coords[:, None] - coords[None, :] + size - 1
    return table[offsets]
