from .clip_features import CLIPFeatures
from .clip_teacher import CLIPTeacher

__all__ = ['CLIPFeatures', 'CLIPTeacher']
