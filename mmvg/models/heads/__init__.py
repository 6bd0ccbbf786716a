from .base_box_head import BaseBoxHead
from .law_head import VGLAWHead
from .reg_token_head import RegTokenHead
from .scale_reg_head import ScaleRegHead
from .simvg_decoder_branch import SimVGDecoderBranch
from .simvg_head import SimVGHead
from .simvg_set_head import SimVGSetHead
from .simvg_token_branch import SimVGTokenBranch

__all__ = [
    'BaseBoxHead', 'RegTokenHead', 'ScaleRegHead', 'SimVGDecoderBranch',
    'SimVGHead', 'SimVGSetHead', 'SimVGTokenBranch', 'VGLAWHead'
]
