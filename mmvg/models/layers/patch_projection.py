"""The patch projection of a ViT: the patchify conv or a registered one."""
from typing import Optional

from torch import nn

from mmvg.registry import MODELS


def build_patch_proj(in_channels: int,
                     embed_dims: int,
                     patch_size: int,
                     cfg: Optional[dict] = None) -> nn.Module:
    """The patchify conv (kernel = stride = patch size) of ViT-style
    backbones, or the module ``cfg`` names, built with the same three sizes
    (e.g. a convolutional stem)."""
    if cfg is None:
        return nn.Conv2d(
            in_channels, embed_dims, kernel_size=patch_size, stride=patch_size)
    return MODELS.build(
        dict(
            cfg,
            in_channels=in_channels,
            embed_dims=embed_dims,
            patch_size=patch_size))
