from .grounding_visualization_hook import GroundingVisualizationHook
from .rng_state_hook import RNGStateHook

__all__ = ['GroundingVisualizationHook', 'RNGStateHook']
