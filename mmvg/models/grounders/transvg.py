"""TransVG-style grounder: visual backbone + text encoder + VL transformer."""
from typing import List, Optional

from mmdet.structures import DetDataSample
from torch import Tensor

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
        adapters: see :class:`BaseGrounder`.
    """

    def __init__(self,
                 backbone: dict,
                 text_encoder: dict,
                 fusion: dict,
                 neck: dict,
                 bbox_head: dict,
                 adapters: Optional[List[dict]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            adapters=adapters,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.text_encoder = MODELS.build(text_encoder)
        self.neck = MODELS.build(neck)
        self.fusion = MODELS.build(
            dict(
                type='VLFusionAdapter',
                fusion=fusion,
                text_dims=self.text_encoder.embed_dims))
        self.bbox_head = MODELS.build(bbox_head)

    def encode(self, inputs: Tensor,
               data_samples: List[DetDataSample]) -> GroundingFeatures:
        """The two modalities apart: last-level visual tokens, BERT's."""
        visual = self.neck(self.backbone(inputs))[-1]
        text = self.text_encoder(self.texts_of(data_samples))
        return self.map_features(inputs, data_samples, visual, text)

    def extract_feat(self, inputs: Tensor,
                     data_samples: List[DetDataSample]) -> GroundingFeatures:
        """Fused visual and text tokens; the [REG] token is the
        ``object_token``."""
        return self.fusion(self.encode(inputs, data_samples))
