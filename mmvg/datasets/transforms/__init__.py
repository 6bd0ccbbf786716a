"""Pipeline steps for visual grounding.

Reuse mmcv/mmdet steps as they are (``LoadAnnotations``, ``Resize``, ``Pad``,
``PhotoMetricDistortion``); the steps here add what grounding needs: errors
that name the sample, a flip that swaps left/right in the expression, crops
that keep every target, colour jitter that keeps colour words true, and
packing of the expression.
"""
from .crop import RandomCropKeepTargets, RandomResizeCropKeepTargets
from .expression import CheckExpression, ReplaceText, check_expression
from .flip import GroundingRandomFlip, swap_left_right
from .formatting import GROUNDING_META_KEYS, PackGroundingInputs
from .loading import LoadGroundingImage
from .photometric import GroundingPhotoMetricDistortion
from .sample_info import describe_sample

__all__ = [
    'CheckExpression', 'GROUNDING_META_KEYS', 'GroundingPhotoMetricDistortion',
    'GroundingRandomFlip', 'LoadGroundingImage', 'PackGroundingInputs',
    'RandomCropKeepTargets', 'RandomResizeCropKeepTargets', 'ReplaceText',
    'check_expression', 'describe_sample', 'swap_left_right'
]
