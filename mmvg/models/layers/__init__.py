from .conv_stem import ConvStem, build_patch_proj
from .language_adaptive_weights import LanguageAdaptiveWeights
from .vl_fusion_transformer import VLFusionTransformer

__all__ = [
    'ConvStem', 'build_patch_proj', 'LanguageAdaptiveWeights',
    'VLFusionTransformer'
]
