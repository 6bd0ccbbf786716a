from .beit3 import BEiT3
from .resnet import DETRPretrained, load_detr_resnet
from .scanning import ScanningEncoder
from .vilt import ViLT
from .vit import LanguageAdaptiveViT, VisionTransformer

__all__ = [
    'BEiT3', 'DETRPretrained', 'LanguageAdaptiveViT', 'ScanningEncoder',
    'ViLT', 'VisionTransformer', 'load_detr_resnet'
]
