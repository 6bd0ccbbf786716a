from .base_grounder import BaseGrounder
from .scanformer import ScanFormer
from .simvg import SimVG
from .transvg import TransVG
from .vglaw import VGLAW

__all__ = ['BaseGrounder', 'ScanFormer', 'SimVG', 'TransVG', 'VGLAW']
