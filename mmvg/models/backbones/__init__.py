from .beit3 import BEiT3
from .resnet import DETRPretrained, load_detr_resnet
from .scanning import ScanningViLT
from .vilt import ViLT
from .vit import LanguageAdaptiveViT, VisionTransformer

__all__ = [
    'BEiT3', 'DETRPretrained', 'LanguageAdaptiveViT', 'ScanningViLT', 'ViLT',
    'VisionTransformer', 'load_detr_resnet'
]
