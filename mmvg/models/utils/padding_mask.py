"""Which cells of a feature map lie in the batch padding."""
from typing import Sequence, Tuple

import torch.nn.functional as F
from torch import Tensor


def batch_padding_mask(ref: Tensor, input_hw: Tuple[int, int],
                       img_shapes: Sequence[Tuple[int, int]],
                       size: Tuple[int, int]) -> Tensor:
    """(B, *size) bool map, True where a cell of a ``size`` grid over the
    padded batch input ``input_hw`` lies beyond the sample's ``img_shape``.

    Args:
        ref: any tensor on the target device and dtype.
        input_hw: padded batch input (height, width).
        img_shapes: each sample's (height, width) before padding.
        size: the feature map's (h, w).
    """
    pad = ref.new_ones((len(img_shapes), 1, *input_hw))
    for i, (img_h, img_w) in enumerate(img_shapes):
        pad[i, :, :img_h, :img_w] = 0
    return F.interpolate(pad, size=tuple(size))[:, 0].bool()
