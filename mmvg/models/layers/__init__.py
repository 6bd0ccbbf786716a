from . import mmdet_transformer_layers  # noqa: F401
from .language_adaptive_weights import LanguageAdaptiveWeights
from .vl_fusion_transformer import VLFusionTransformer

__all__ = ['LanguageAdaptiveWeights', 'VLFusionTransformer']
