from .grounding_features import GroundingFeatures
from .grounding_queries import GroundingQueries
from .scale_outputs import ScaleOutputs

__all__ = ['GroundingFeatures', 'GroundingQueries', 'ScaleOutputs']
