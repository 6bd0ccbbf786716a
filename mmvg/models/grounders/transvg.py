"""TransVG-style grounder: visual backbone + text encoder + VL transformer."""
from typing import List

from mmdet.structures import DetDataSample
from torch import Tensor, nn

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .base_grounder import BaseGrounder


@MODELS.register_module()
class TransVG(BaseGrounder):
    """Encode the image and the expression apart, fuse them in a
    visual-linguistic transformer with a [REG] token, and predict boxes.

    Args:
        backbone: visual backbone config (e.g. mmdet ``ResNet``).
        text_encoder: text encoder config (e.g. ``HFTextEncoder``).
        fusion: fusion transformer config (``VLFusionTransformer``), run
            by a :class:`VLFusionAdapter`.
        bbox_head: head config (``RegTokenHead``, or any head reading the
            contract).
        neck: maps the backbone levels to the fusion width (e.g. mmdet
            ``ChannelMapper``); its last level is fused.
        others: see :class:`BaseGrounder`.
    """

    def __init__(self, backbone: dict, text_encoder: dict, fusion: dict,
                 neck: dict, bbox_head: dict, **kwargs) -> None:
        super().__init__(
            backbone,
            bbox_head,
            text_encoder=text_encoder,
            neck=neck,
            fusion=fusion,
            **kwargs)

    def build_fusion(self, cfg: dict) -> nn.Module:
        """The fusion transformer, run by a :class:`VLFusionAdapter` that
        projects the text to its width."""
        return MODELS.build(
            dict(
                type='VLFusionAdapter',
                fusion=cfg,
                text_dims=self.text_encoder.embed_dims))

    def encode(self, inputs: Tensor,
               data_samples: List[DetDataSample]) -> GroundingFeatures:
        """The two modalities apart: the neck's last-level visual tokens,
        BERT's tokens and [CLS] (the ``sentence``). The fusion then gives
        fused tokens and the [REG] token as the ``object_token``."""
        visual = self.neck(self.backbone(inputs))[-1]
        text = self.text_encoder(self.texts_of(data_samples))
        return self.map_features(inputs, data_samples, visual, text)
