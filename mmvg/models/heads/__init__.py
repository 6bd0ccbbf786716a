from .base_box_head import BaseBoxHead
from .patch_center_head import PatchCenterHead
from .reg_token_head import RegTokenHead

__all__ = ['BaseBoxHead', 'PatchCenterHead', 'RegTokenHead']
