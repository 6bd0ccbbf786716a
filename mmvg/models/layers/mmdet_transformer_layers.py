"""Register mmdet's DETR transformer layers, which mmdet leaves unregistered.

mmdet 3.3 builds its DETR layers by direct instantiation, so configs cannot
name them; mmvg registers the plain DETR ones so grounding configs can.
"""
from mmdet.models.layers import (DetrTransformerDecoder,
                                 DetrTransformerDecoderLayer,
                                 DetrTransformerEncoder,
                                 DetrTransformerEncoderLayer)

from mmvg.registry import MODELS

for _layer in (DetrTransformerEncoder, DetrTransformerEncoderLayer,
               DetrTransformerDecoder, DetrTransformerDecoderLayer):
    MODELS.register_module(module=_layer)
