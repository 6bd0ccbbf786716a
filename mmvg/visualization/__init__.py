from .grounding_visualizer import GroundingVisualizer

__all__ = ['GroundingVisualizer']
