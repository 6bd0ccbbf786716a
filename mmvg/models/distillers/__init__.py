from .clip_features import CLIPFeatures
from .clip_teacher import CLIPTeacher
from .cross_modal_distiller import CrossModalDistiller
from .student_input import student_input_of

__all__ = [
    'CLIPFeatures', 'CLIPTeacher', 'CrossModalDistiller', 'student_input_of'
]
