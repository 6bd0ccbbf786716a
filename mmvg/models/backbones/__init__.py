from .beit3 import BEiT3
from .vilt import ViLT
from .vit import LanguageAdaptiveViT, VisionTransformer

__all__ = ['BEiT3', 'LanguageAdaptiveViT', 'ViLT', 'VisionTransformer']
