from .base_grounder import BaseGrounder
from .simvg import SimVG
from .transvg import TransVG
from .vglaw import VGLAW

__all__ = ['BaseGrounder', 'SimVG', 'TransVG', 'VGLAW']
