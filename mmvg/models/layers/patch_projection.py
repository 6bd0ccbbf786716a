"""The patch projection of a ViT: the patchify conv or a registered one."""
from typing import Optional

from torch import Tensor, nn

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


class PatchEmbed(nn.Module):
    """Non-overlapping patch projection, named ``proj`` as timm, ViTDet and
    torchscale name it (mmcv's ``PatchEmbed`` says ``projection``, hence
    this one); ``proj_cfg`` replaces the conv (see :func:`build_patch_proj`).
    """

    def __init__(self,
                 in_channels: int,
                 embed_dims: int,
                 patch_size: int,
                 proj_cfg: Optional[dict] = None) -> None:
        super().__init__()
        self.patch_size = patch_size
        self.proj = build_patch_proj(in_channels, embed_dims, patch_size,
                                     proj_cfg)

    def forward(self, img: Tensor) -> Tensor:
        """(B, C, H, W) image -> (B, embed_dims, h, w) patch map."""
        return self.proj(img)
