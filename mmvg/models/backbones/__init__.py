from .beit3 import BEiT3
from .vit import LanguageAdaptiveViT, VisionTransformer

__all__ = ['BEiT3', 'LanguageAdaptiveViT', 'VisionTransformer']
