"""Pipeline steps for visual grounding.

Reuse mmcv/mmdet steps as they are (``LoadAnnotations``, ``Resize``,
``Pad``); the steps here add what grounding needs: errors that name the
sample, a flip that swaps left/right in the expression, a constant
expression for text-blind controls, and packing of the expression.
"""
from .expression import ReplaceText, check_expression
from .flip import GroundingRandomFlip, swap_left_right
from .formatting import GROUNDING_META_KEYS, PackGroundingInputs
from .loading import LoadGroundingImage
from .sample_info import describe_sample

__all__ = [
    'GROUNDING_META_KEYS', 'GroundingRandomFlip', 'LoadGroundingImage',
    'PackGroundingInputs', 'ReplaceText', 'check_expression',
    'describe_sample', 'swap_left_right'
]
