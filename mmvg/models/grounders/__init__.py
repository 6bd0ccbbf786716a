from .base_grounder import BaseGrounder
from .epmvg import EpmVG
from .scanformer import ScanFormer
from .simvg import SimVG
from .transvg import TransVG
from .vglaw import VGLAW

__all__ = ['BaseGrounder', 'EpmVG', 'ScanFormer', 'SimVG', 'TransVG', 'VGLAW']
