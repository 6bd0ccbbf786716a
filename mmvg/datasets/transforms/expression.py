"""Checking and replacing the referring expression."""

from mmcv.transforms import BaseTransform

from mmvg.registry import TRANSFORMS
from .sample_info import describe_sample


def check_expression(results: dict) -> str:
    """Return ``results['text']`` after checking it is a non-blank string.

    Raises:
        KeyError: the sample has no ``text``.
        ValueError: ``text`` is not a string or is empty/whitespace only.
    """
    if 'text' not in results:
        raise KeyError(f'Sample has no expression "text" '
                       f'({describe_sample(results)})')
    text = results['text']
    if not isinstance(text, str):
        raise ValueError(f'Expression must be a str, got {type(text)} '
                         f'({describe_sample(results)})')
    if not text.strip():
        raise ValueError(f'Empty expression {text!r} '
                         f'({describe_sample(results)})')
    return text


@TRANSFORMS.register_module()
class ReplaceText(BaseTransform):
    """Replace the expression by a constant string.

    Used for the text-blind control experiment: a grounder that still scores
    well without the expression exploits dataset priors, not language.

    Args:
        text: the constant expression to use.
    """

    def __init__(self, text: str = 'object') -> None:
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f'ReplaceText needs a non-blank text, '
                             f'got {text!r}')
        self.text = text

    def transform(self, results: dict) -> dict:
        """Set ``results['text']`` to the constant."""
        results['text'] = self.text
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(text={self.text!r})'
