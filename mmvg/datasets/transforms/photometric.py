"""Colour jitter for grounding: mmdet ``PhotoMetricDistortion`` made safe
for colour words.

Use mmdet's ``PhotoMetricDistortion`` for brightness/contrast/saturation
jitter; do not write another one. Two of its steps change which colour word
is true ("the red circle"): hue shifts, and the random BGR channel swap
(always on in mmdet 3.3, no argument turns it off). The subclass below keeps
everything else and makes both optional, off by default. Config example::

    dict(type='GroundingPhotoMetricDistortion',
         brightness_delta=32,
         contrast_range=(0.5, 1.5),
         saturation_range=(0.5, 1.5),
         hue_delta=0,             # no hue jitter: colour words stay true
         swap_channels=False)     # no BGR permutation either
"""
from typing import Sequence

from mmdet.datasets.transforms import PhotoMetricDistortion

from mmvg.registry import TRANSFORMS

_SWAP_FLAG_INDEX = 5  # position of ``swap_flag`` in mmdet's random flags


@TRANSFORMS.register_module()
class GroundingPhotoMetricDistortion(PhotoMetricDistortion):
    """mmdet ``PhotoMetricDistortion`` with hue jitter and channel swap off
    by default, so colour attributes in expressions stay correct.

    Args:
        brightness_delta: delta of brightness.
        contrast_range: range of contrast.
        saturation_range: range of saturation.
        hue_delta: delta of hue in degrees; 0 disables hue jitter.
        swap_channels: allow mmdet's random BGR channel permutation.
    """

    def __init__(self,
                 brightness_delta: int = 32,
                 contrast_range: Sequence[float] = (0.5, 1.5),
                 saturation_range: Sequence[float] = (0.5, 1.5),
                 hue_delta: int = 0,
                 swap_channels: bool = False) -> None:
        super().__init__(
            brightness_delta=brightness_delta,
            contrast_range=contrast_range,
            saturation_range=saturation_range,
            hue_delta=hue_delta)
        self.swap_channels = swap_channels

    def _random_flags(self) -> Sequence:
        """mmdet's random flags, with the channel swap cleared if off.

        Not decorated with ``cache_randomness``: the parent method already is
        (caching works through ``super()``), and decorating an override would
        list the name twice on mmdet's class.
        """
        flags = list(super()._random_flags())
        if not self.swap_channels:
            flags[_SWAP_FLAG_INDEX] = 0
        return flags

    def __repr__(self) -> str:
        return (f'{super().__repr__()[:-1]}, '
                f'swap_channels={self.swap_channels})')
