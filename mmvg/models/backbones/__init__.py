from .beit3 import BEiT3
from .scanning import ScanningViLT
from .vilt import ViLT
from .vit import LanguageAdaptiveViT, VisionTransformer

__all__ = [
    'BEiT3', 'LanguageAdaptiveViT', 'ScanningViLT', 'ViLT', 'VisionTransformer'
]
