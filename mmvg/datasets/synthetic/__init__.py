"""A synthetic grounding dataset written in the RefCOCO/gRefCOCO formats."""
from .expressions import Desc, Expression, Ordinal, Relation, resolve
from .generator import make_synthetic_dataset
from .parsing import parse_expression
from .phrasing import phrasings, vocabulary
from .scene import Scene, SceneObject
from .writer import read_vocab_words

__all__ = [
    'make_synthetic_dataset', 'Desc', 'Expression', 'Ordinal', 'Relation',
    'resolve', 'parse_expression', 'phrasings', 'vocabulary', 'Scene',
    'SceneObject', 'read_vocab_words'
]
