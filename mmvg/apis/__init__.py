from .inferencer import GroundingInferencer

__all__ = ['GroundingInferencer']
