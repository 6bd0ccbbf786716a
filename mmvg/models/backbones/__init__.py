from .beit3 import BEiT3
from .scanning import ScanningEncoder
from .vilt import ViLT
from .vit import LanguageAdaptiveViT, VisionTransformer

__all__ = [
    'BEiT3', 'LanguageAdaptiveViT', 'ScanningEncoder', 'ViLT',
    'VisionTransformer'
]
