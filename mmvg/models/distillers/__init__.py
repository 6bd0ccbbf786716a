from .clip_features import CLIPFeatures
from .clip_teacher import CLIPTeacher
from .cross_modal_distiller import CrossModalDistiller

__all__ = ['CLIPFeatures', 'CLIPTeacher', 'CrossModalDistiller']
