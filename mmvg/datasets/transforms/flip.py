"""Horizontal flip that keeps the expression true: left <-> right."""
import re
from typing import Optional, Union

from mmdet.datasets.transforms import RandomFlip

from mmvg.registry import TRANSFORMS

# Whole words of the left/right family: left, leftmost, lefter, leftward(s)
# and the same for right; ``\b`` keeps "cleft", "bright" and "leftover".
_LEFT_RIGHT = re.compile(r'\b(left|right)(most|er|wards?)?\b', re.IGNORECASE)
_SWAP = {'left': 'right', 'right': 'left'}


def _match_case(word: str, like: str) -> str:
    """Write lower-case ``word`` in the case pattern of ``like``."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word.capitalize()
    return word


def swap_left_right(text: str) -> str:
    """Swap the words left and right (and their family) in ``text``.

    Only whole words change, each keeping its case:
    ``"Left of the leftmost cleft"`` -> ``"Right of the rightmost cleft"``.
    """

    def swap(match: re.Match) -> str:
        stem, suffix = match.group(1), match.group(2) or ''
        return _match_case(_SWAP[stem.lower()], stem) + suffix

    return _LEFT_RIGHT.sub(swap, text)


@TRANSFORMS.register_module()
class GroundingRandomFlip(RandomFlip):
    """mmdet ``RandomFlip`` (image, boxes, masks) that also swaps left/right
    in ``results['text']``, so "the left circle" still names the target.

    Only horizontal flips are allowed: a vertical flip would need
    above/below swaps too, which this transform does not attempt.

    Args:
        prob: the flip probability.
        direction: must be ``'horizontal'``.
    """

    def __init__(self,
                 prob: Optional[float] = None,
                 direction: Union[str, list] = 'horizontal') -> None:
        if direction not in ('horizontal', ['horizontal']):
            raise ValueError('GroundingRandomFlip supports only '
                             f"direction='horizontal', got {direction!r}")
        super().__init__(prob=prob, direction=direction)

    def _flip(self, results: dict) -> None:
        """Flip image, boxes and masks (mmdet) and the expression."""
        super()._flip(results)
        if 'text' in results:
            results['text'] = swap_left_right(results['text'])
