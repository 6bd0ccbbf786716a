from .checkpoint import load_vit_checkpoint, read_state_dict, vitdet_to_timm
from .language_adaptive_vit import LanguageAdaptiveViT
from .vision_transformer import VisionTransformer

__all__ = [
    'VisionTransformer', 'LanguageAdaptiveViT', 'load_vit_checkpoint',
    'read_state_dict', 'vitdet_to_timm'
]
