from .detr_checkpoint import (DETR_BACKBONE_PREFIX, detr_to_mmdet_resnet,
                              load_detr_resnet)
from .detr_pretrained import DETRPretrained

__all__ = [
    'DETRPretrained', 'DETR_BACKBONE_PREFIX', 'detr_to_mmdet_resnet',
    'load_detr_resnet'
]
