from .beit3 import BEiT3
from .checkpoint import (adapt_beit3_state_dict, extract_state_dict,
                         load_beit3_checkpoint)
from .resize import resize_patch_kernel, resize_pos_grid

__all__ = [
    'BEiT3', 'adapt_beit3_state_dict', 'extract_state_dict',
    'load_beit3_checkpoint', 'resize_patch_kernel', 'resize_pos_grid'
]
