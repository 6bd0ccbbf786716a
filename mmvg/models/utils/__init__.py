from .box_losses import box_losses
from .cells import (CellTargets, cell_boxes, cell_grid, cell_targets,
                    center_cells, take_cells)
from .detr_decoder import build_detr_decoder
from .masked_mean import masked_mean
from .padding_mask import batch_padding_mask
from .resample_tokens import resample_tokens

__all__ = [
    'CellTargets', 'batch_padding_mask', 'box_losses', 'build_detr_decoder',
    'cell_boxes', 'cell_grid', 'cell_targets', 'center_cells', 'masked_mean',
    'resample_tokens', 'take_cells'
]
