from .constant_token_merge import (MergedTokens, merge_constant_tokens,
                                   scatter_back)
from .language_adaptive_weights import LanguageAdaptiveWeights
from .law_mask_decoder import LanguageMaskDecoder
from .law_pooling import LanguageAdaptivePooling
from .patch_projection import PatchEmbed, build_patch_proj
from .patch_selection import PatchSelector, gate_inputs
from .segment_kv_cache import SegmentKVCache, block_causal_bias, encode_segment
from .simvg_tqg import TextGuidedQueryGenerator
from .visual_query_decoder import VisualQueryDecoder
from .vl_fusion_transformer import VLFusionTransformer

__all__ = [
    'build_patch_proj', 'PatchEmbed', 'LanguageAdaptiveWeights',
    'LanguageAdaptivePooling', 'LanguageMaskDecoder',
    'TextGuidedQueryGenerator', 'VisualQueryDecoder', 'VLFusionTransformer',
    'MergedTokens', 'merge_constant_tokens', 'scatter_back', 'PatchSelector',
    'gate_inputs', 'SegmentKVCache', 'block_causal_bias', 'encode_segment'
]
