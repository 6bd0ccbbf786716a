"""Check COCO ``segmentation`` fields and bring them into the two forms that
mmdet's ``LoadAnnotations`` decodes: a list of polygons or one RLE dict.

The refer API's ``getMask`` decodes any of polygons, one RLE or a list of
RLEs (ReferItGame) and sums the parts; mmdet reads the first two only, so a
list of RLEs is merged here into one compressed RLE (the same pixels).
"""
from typing import Union

import numpy as np
import pycocotools.mask as mask_utils

Segmentation = Union[list, dict]


def _is_rle(item) -> bool:
    return isinstance(item, dict) and 'counts' in item and 'size' in item


def _compressed(rle: dict, height: int, width: int) -> dict:
    """One RLE (compressed, or uncompressed as COCO crowd annotations hold
    it) as compressed RLE with ``str`` counts."""
    if isinstance(rle['counts'], list):
        rle = mask_utils.frPyObjects(rle, height, width)
    counts = rle['counts']
    return dict(
        size=[int(s) for s in rle['size']],
        counts=counts.decode('ascii') if isinstance(counts, bytes) else counts)


def loadable_segmentation(segmentation: Segmentation, height: int, width: int,
                          where: str) -> Segmentation:
    """Check a COCO ``segmentation`` and return it as polygons or one RLE.

    Args:
        segmentation: polygons ``[[x1, y1, ...], ...]``, one RLE dict, or a
            list of RLE dicts.
        height: image height; every RLE must have this size.
        width: image width.
        where: which annotation it is, for error messages.

    Raises:
        ValueError: a polygon has fewer than 3 points or an odd number of
            coordinates, an RLE's size is not the image's, or the field is
            none of the forms above.
    """
    if _is_rle(segmentation):
        rle = _compressed(segmentation, height, width)
    elif isinstance(segmentation, list) and segmentation and all(
            _is_rle(item) for item in segmentation):
        rle = _compressed(
            mask_utils.merge([
                mask_utils.frPyObjects(item, height, width) if isinstance(
                    item['counts'], list) else item for item in segmentation
            ]), height, width)
    elif isinstance(segmentation, list) and segmentation and all(
            isinstance(item, list) for item in segmentation):
        for polygon in segmentation:
            if len(polygon) < 6 or len(polygon) % 2:
                raise ValueError(f'{where}: a polygon needs an even number of '
                                 f'coordinates, at least 6; got '
                                 f'{len(polygon)}')
        return segmentation
    else:
        raise ValueError(f'{where}: segmentation must be polygons, an RLE '
                         'dict or a list of RLE dicts; got '
                         f'{segmentation!r:.80}')
    if rle['size'] != [height, width]:
        raise ValueError(f'{where}: RLE of size {rle["size"]} on an image of '
                         f'size {[height, width]}')
    return rle


def empty_segmentation(height: int, width: int) -> dict:
    """An all-background mask as compressed RLE."""
    background = np.zeros((height, width), dtype=np.uint8, order='F')
    return _compressed(mask_utils.encode(background), height, width)
