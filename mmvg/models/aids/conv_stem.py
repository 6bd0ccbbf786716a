"""A convolutional stem in place of a ViT's patchify projection."""
import math
from typing import Optional

from mmcv.cnn import ConvModule
from torch import nn

from mmvg.registry import MODELS


@MODELS.register_module()
class ConvStem(nn.Sequential):
    """3x3 stride-2 convolutions down to the patch stride, then a 1x1
    projection to the token width (Xiao et al., "Early Convolutions Help
    Transformers See Better", 2021).

    For ViTs trained from scratch on little data (the tiny synthetic
    configs): a patchify layer there learns shapes slowly. Official
    pre-trained weights have a patchify layer, so they do not load into a
    stem. A backbone takes it as ``patch_embed=dict(type='ConvStem')``.

    Args:
        in_channels: image channels.
        embed_dims: token width.
        patch_size: output stride, a power of 2.
        base_channels: width of the first convolution, doubled by each next
            one.
        norm_cfg: normalisation after each 3x3 convolution.
        patch_local: 2x2 stride-2 convolutions instead, which never look
            across a patch border: each patch's token then depends on its
            own pixels alone, so a scanning encoder can embed just the
            patches it reads (``patch_local`` is set on the module).
    """

    def __init__(self,
                 in_channels: int,
                 embed_dims: int,
                 patch_size: int,
                 base_channels: int = 16,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 patch_local: bool = False) -> None:
        steps = math.log2(patch_size)
        if patch_size < 2 or not steps.is_integer():
            raise ValueError(
                f'a conv stem needs a power-of-2 patch size, got {patch_size}')
        kernel, padding = (2, 0) if patch_local else (3, 1)
        layers = []
        channels = in_channels
        for i in range(int(steps)):
            out = base_channels * 2**i
            layers.append(
                ConvModule(
                    channels,
                    out,
                    kernel,
                    stride=2,
                    padding=padding,
                    norm_cfg=norm_cfg))
            channels = out
        layers.append(nn.Conv2d(channels, embed_dims, 1))
        super().__init__(*layers)
        self.patch_local = patch_local
