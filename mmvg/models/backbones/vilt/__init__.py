from .checkpoint import (adapt_vilt_state_dict, load_vilt_checkpoint,
                         transformers_to_vilt)
from .vilt import ViLT

__all__ = [
    'ViLT', 'adapt_vilt_state_dict', 'load_vilt_checkpoint',
    'transformers_to_vilt'
]
