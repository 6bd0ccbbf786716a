from .grounding_features import GroundingFeatures

__all__ = ['GroundingFeatures']
