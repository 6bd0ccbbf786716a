"""VG-LAW (CVPR 2023): a ViT whose weights the expression generates."""
from typing import List

from mmdet.structures import DetDataSample
from torch import Tensor

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .base_grounder import BaseGrounder


@MODELS.register_module()
class VGLAW(BaseGrounder):
    """Language backbone -> language-adaptive ViT -> multi-task head.

    The expression's token features generate the ViT's qkv weights, so the
    visual features are already expression-aware and no fusion module
    follows; the head reads them with the [CLS] language feature.

    Args:
        backbone: a :class:`LanguageAdaptiveViT` config; its ``lang_dims``
            must equal the text encoder's width.
        text_encoder: text encoder config (``HFTextEncoder``, the first 6
            layers of BERT in the paper).
        bbox_head: head config (:class:`VGLAWHead`).
        others: see :class:`BaseGrounder`.
    """

    def __init__(self, backbone: dict, text_encoder: dict, bbox_head: dict,
                 **kwargs) -> None:
        super().__init__(
            backbone, bbox_head, text_encoder=text_encoder, **kwargs)
        lang_dims = self.backbone.law.lang_dims
        if lang_dims != self.text_encoder.embed_dims:
            raise ValueError(
                f'backbone lang_dims {lang_dims} differs from the text '
                f'encoder width {self.text_encoder.embed_dims}.')

    def encode(self, inputs: Tensor,
               data_samples: List[DetDataSample]) -> GroundingFeatures:
        """Expression-aware visual tokens; BERT's tokens, its [CLS]
        feature the ``sentence``. No fusion follows: these reach the head
        (and a ``distiller``)."""
        text = self.text_encoder(self.texts_of(data_samples))
        visual, _ = self.backbone(inputs, text['feats'], text['padding_mask'])
        return self.map_features(inputs, data_samples, visual, text)
