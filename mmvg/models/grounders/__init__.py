from .base_grounder import BaseGrounder
from .transvg import TransVG

__all__ = ['BaseGrounder', 'TransVG']
