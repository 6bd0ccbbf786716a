from .detr_decoder import build_detr_decoder
from .padding_mask import batch_padding_mask

__all__ = ['batch_padding_mask', 'build_detr_decoder']
