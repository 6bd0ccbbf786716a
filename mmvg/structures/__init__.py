from .grounding_features import GroundingFeatures
from .grounding_queries import GroundingQueries

__all__ = ['GroundingFeatures', 'GroundingQueries']
