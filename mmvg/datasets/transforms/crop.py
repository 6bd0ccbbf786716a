"""Random crops that never cut a target, and large-scale jitter built on it.

mmdet's ``RandomCrop`` picks its window blind to the boxes and drops the
ones left outside; in grounding a dropped target makes the expression false,
so this crop picks its window from the targets instead.
"""
import math
from typing import Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform, RandomResize
from mmcv.transforms.utils import cache_randomness
from mmdet.datasets.transforms import Resize
from mmdet.structures.bbox import autocast_box_type

from mmvg.registry import TRANSFORMS


def _axis_window(lo: float, hi: float, size: int,
                 length: int) -> Tuple[int, int]:
    """Sample (start, size) of a window along one axis of ``length`` pixels
    that holds ``[lo, hi]``; ``size`` grows if the span needs it. ``lo >
    hi`` (no targets) leaves the start free."""
    lo = min(max(math.floor(lo), 0), length)
    hi = min(max(math.ceil(hi), 0), length)
    size = max(min(size, length), hi - lo)
    start = np.random.randint(max(0, hi - size), min(lo, length - size) + 1)
    return start, size


@TRANSFORMS.register_module()
class RandomCropKeepTargets(BaseTransform):
    """Crop a random window that contains every target box entirely.

    The window is ``crop_size`` (clipped to the image), enlarged where the
    union of the targets is bigger, so no target is ever cut or dropped.
    Samples without targets may be cropped anywhere. Masks and seg maps are
    cropped with the same window; ``homography_matrix`` records the shift.

    Required Keys: img, gt_bboxes (optional), gt_masks (optional),
    gt_seg_map (optional).
    Modified Keys: img, img_shape, gt_bboxes, gt_masks, gt_seg_map.
    Added Keys: homography_matrix.

    Args:
        crop_size: the crop (width, height) in pixels.
    """

    def __init__(self, crop_size: Tuple[int, int]) -> None:
        if len(crop_size) != 2 or min(crop_size) < 1:
            raise ValueError(f'crop_size must be (width, height) > 0, '
                             f'got {crop_size}')
        self.crop_size = tuple(crop_size)

    @cache_randomness
    def _rand_window(self, img_hw: Tuple[int, int],
                     targets: Optional[np.ndarray]) -> np.ndarray:
        """Sample a window ``[x1, y1, x2, y2]`` that holds all targets."""
        img_h, img_w = img_hw
        if targets is None or len(targets) == 0:
            x1, y1, x2, y2 = img_w, img_h, 0, 0
        else:
            x1, y1 = targets[:, :2].min(axis=0)
            x2, y2 = targets[:, 2:].max(axis=0)
        x, crop_w = _axis_window(x1, x2, self.crop_size[0], img_w)
        y, crop_h = _axis_window(y1, y2, self.crop_size[1], img_h)
        return np.array([x, y, x + crop_w, y + crop_h])

    @autocast_box_type()
    def transform(self, results: dict) -> dict:
        """Crop image, boxes, masks and seg map to a target-keeping window."""
        boxes = results.get('gt_bboxes')
        targets = None if boxes is None else boxes.numpy()
        window = self._rand_window(results['img'].shape[:2], targets)
        x1, y1, x2, y2 = window

        results['img'] = results['img'][y1:y2, x1:x2, ...]
        results['img_shape'] = results['img'].shape[:2]
        if boxes is not None:
            boxes.translate_([-x1, -y1])
            boxes.clip_(results['img_shape'])
        if results.get('gt_masks') is not None:
            results['gt_masks'] = results['gt_masks'].crop(window)
        if results.get('gt_seg_map') is not None:
            results['gt_seg_map'] = results['gt_seg_map'][y1:y2, x1:x2]

        shift = np.array([[1, 0, -x1], [0, 1, -y1], [0, 0, 1]],
                         dtype=np.float32)
        previous = results.get('homography_matrix')
        results['homography_matrix'] = (
            shift if previous is None else shift @ previous)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'


@TRANSFORMS.register_module()
class RandomResizeCropKeepTargets(BaseTransform):
    """Large-scale jitter that keeps every target: a random rescale (mmcv
    ``RandomResize`` driving mmdet ``Resize``) then
    :class:`RandomCropKeepTargets`. Follow it with ``Pad`` to a fixed size.

    Args:
        scale: the base (width, height) that ``ratio_range`` multiplies.
        ratio_range: (min, max) rescale ratio, e.g. (0.1, 2.0) for LSJ.
        crop_size: the crop (width, height); defaults to ``scale``.
        keep_ratio: keep the aspect ratio when resizing.
        **resize_kwargs: other arguments of mmdet ``Resize``
            (``interpolation``, ``clip_object_border``, ...).
    """

    def __init__(self,
                 scale: Tuple[int, int],
                 ratio_range: Sequence[float] = (0.1, 2.0),
                 crop_size: Optional[Tuple[int, int]] = None,
                 keep_ratio: bool = True,
                 **resize_kwargs) -> None:
        self.resize = RandomResize(
            scale=tuple(scale),
            ratio_range=tuple(ratio_range),
            resize_type=Resize,
            keep_ratio=keep_ratio,
            **resize_kwargs)
        self.crop = RandomCropKeepTargets(crop_size or tuple(scale))

    def transform(self, results: dict) -> dict:
        """Rescale at random, then crop keeping the targets."""
        return self.crop(self.resize(results))

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}({self.resize}, {self.crop})'
