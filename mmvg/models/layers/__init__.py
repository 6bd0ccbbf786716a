from .language_adaptive_weights import LanguageAdaptiveWeights
from .law_mask_decoder import LanguageMaskDecoder
from .law_pooling import LanguageAdaptivePooling
from .patch_projection import PatchEmbed, build_patch_proj
from .simvg_tqg import TextGuidedQueryGenerator
from .visual_query_decoder import VisualQueryDecoder
from .vl_fusion_transformer import VLFusionTransformer

__all__ = [
    'build_patch_proj', 'PatchEmbed', 'LanguageAdaptiveWeights',
    'LanguageAdaptivePooling', 'LanguageMaskDecoder',
    'TextGuidedQueryGenerator', 'VisualQueryDecoder', 'VLFusionTransformer'
]
