"""VG-LAW's RES branch: upsample, then a language-given pixel classifier."""
import math
from typing import Optional

import torch
from mmcv.cnn import ConvModule
from torch import Tensor, nn


class LanguageMaskDecoder(nn.Module):
    """Mask logits at stride 4 from a visual map and the [CLS] feature.

    Stride-2 transposed convolutions bring the (B, C, h, w) map from
    ``in_stride`` to stride 4 with d_l channels (normalisation and
    activation between them, none after the last); each pixel is then
    projected linearly with the expression's [CLS] feature as the weight.

    Args:
        in_channels: visual channels C.
        lang_dims: language channels d_l (the upsampled width).
        in_stride: stride of the visual map (the ViT's patch size).
        norm_cfg: normalisation between the transposed convolutions.
        act_cfg: activation between the transposed convolutions.
    """

    out_stride = 4

    def __init__(
        self,
        in_channels: int,
        lang_dims: int,
        in_stride: int = 16,
        norm_cfg: Optional[dict] = dict(type='GN', num_groups=32),
        act_cfg: Optional[dict] = dict(type='GELU')
    ) -> None:
        super().__init__()
        steps = math.log2(in_stride / self.out_stride)
        if steps < 0 or not steps.is_integer():
            raise ValueError(f'in_stride {in_stride} must be 4 times a power '
                             'of 2 to reach stride 4 by 2x upsampling.')
        layers = []
        channels = in_channels
        for i in range(int(steps)):
            last = i == int(steps) - 1
            layers.append(
                ConvModule(
                    channels,
                    lang_dims,
                    2,
                    stride=2,
                    conv_cfg=dict(type='deconv'),
                    norm_cfg=None if last else norm_cfg,
                    act_cfg=None if last else act_cfg))
            channels = lang_dims
        # stride 4 input: a 1x1 projection to d_l channels instead
        self.upsample = nn.Sequential(
            *layers) if layers else nn.Conv2d(in_channels, lang_dims, 1)

    def forward(self, visual: Tensor, lang_cls: Tensor) -> Tensor:
        """Mask logits (B, 4h', 4w') at stride 4 from (B, C, h, w) features
        and (B, d_l) [CLS] features."""
        return torch.einsum('bchw,bc->bhw', self.upsample(visual), lang_cls)
