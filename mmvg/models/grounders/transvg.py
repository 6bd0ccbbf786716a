"""TransVG-style grounder: visual backbone + text encoder + VL transformer."""
from typing import Dict, List, Optional

from mmdet.models.layers import SinePositionalEncoding
from mmdet.structures import DetDataSample
from torch import Tensor, nn

from mmvg.registry import MODELS
from .base_grounder import BaseGrounder


@MODELS.register_module()
class TransVG(BaseGrounder):
    """Encode the image and the expression apart, fuse them in a
    visual-linguistic transformer with a [REG] token, and predict boxes.

    Args:
        backbone: visual backbone config (e.g. mmdet ``ResNet``).
        text_encoder: text encoder config (e.g. ``HFTextEncoder``).
        fusion: fusion transformer config (``VLFusionTransformer``).
        bbox_head: head config (``RegTokenHead`` or ``PatchCenterHead``).
        neck: maps the backbone levels to the fusion width (e.g. mmdet
            ``ChannelMapper``); its last level is fused.
    """

    def __init__(self,
                 backbone: dict,
                 text_encoder: dict,
                 fusion: dict,
                 neck: dict,
                 bbox_head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.text_encoder = MODELS.build(text_encoder)
        self.neck = MODELS.build(neck)
        self.fusion = MODELS.build(fusion)
        embed_dims = self.fusion.embed_dims
        self.text_proj = nn.Linear(self.text_encoder.embed_dims, embed_dims)
        self.positional_encoding = SinePositionalEncoding(
            num_feats=embed_dims // 2, normalize=True)
        self.bbox_head = MODELS.build(bbox_head)

    def visual_tokens(self, inputs: Tensor,
                      data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        """Last-level visual tokens, their 2-D positions and padding mask."""
        feat = self.neck(self.backbone(inputs))[-1]
        height, width = feat.shape[-2:]
        mask = self.padding_mask(inputs, data_samples, (height, width))
        pos = self.positional_encoding(mask)
        return dict(
            tokens=feat.flatten(2).transpose(1, 2),
            pos=pos.flatten(2).transpose(1, 2),
            mask=mask.flatten(1),
            hw=(height, width))

    def extract_feat(self, inputs: Tensor,
                     data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        visual = self.visual_tokens(inputs, data_samples)
        text = self.text_encoder(self.texts_of(data_samples))
        fused = self.fusion(
            visual=visual['tokens'], visual_pos=visual['pos'],
            visual_mask=visual['mask'], text=self.text_proj(text['feats']),
            text_mask=text['padding_mask'])
        fused.update(visual_hw=visual['hw'], visual_mask=visual['mask'],
                     text_mask=text['padding_mask'])
        return fused
