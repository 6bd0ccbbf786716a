"""loadable_segmentation: COCO segmentation fields in mmdet-readable form."""
import numpy as np
import pycocotools.mask as mask_utils
import pytest

from mmvg.datasets.coco_segmentation import (empty_segmentation,
                                             loadable_segmentation)


def _box_mask(height, width, box):
    mask = np.zeros((height, width), dtype=np.uint8, order='F')
    x1, y1, x2, y2 = box
    mask[y1:y2, x1:x2] = 1
    return mask


def _compressed(mask):
    rle = mask_utils.encode(np.asfortranarray(mask))
    return dict(size=rle['size'], counts=rle['counts'].decode())


def _decode(segmentation, height, width):
    if isinstance(segmentation, list):
        segmentation = mask_utils.merge(
            mask_utils.frPyObjects(segmentation, height, width))
    return mask_utils.decode(segmentation).astype(bool)


def test_polygons_pass_unchanged():
    polygons = [[1., 1., 5., 1., 5., 4.], [6, 6, 8, 6, 8, 8, 6, 8]]
    assert loadable_segmentation(polygons, 10, 10, 'ann 1') is polygons


@pytest.mark.parametrize('polygon', [[1, 1, 5, 1], [1, 1, 5, 1, 5, 4, 2]])
def test_malformed_polygon_names_annotation(polygon):
    with pytest.raises(ValueError, match='ann 7: a polygon needs an even'):
        loadable_segmentation([polygon], 10, 10, 'ann 7')


def test_uncompressed_crowd_rle_is_compressed_with_same_pixels():
    # a 3x4 (h x w) crowd mask in column-major runs: 2 off, 3 on, 7 off
    crowd = dict(size=[3, 4], counts=[2, 3, 7])
    rle = loadable_segmentation(crowd, 3, 4, 'ann 2')
    assert isinstance(rle['counts'], str) and rle['size'] == [3, 4]
    expected = np.zeros((3, 4), dtype=bool)
    expected[2, 0] = expected[0, 1] = expected[1, 1] = True
    np.testing.assert_array_equal(_decode(rle, 3, 4), expected)


def test_compressed_rle_with_bytes_counts_becomes_str():
    mask = _box_mask(8, 6, (1, 2, 4, 7))
    raw = mask_utils.encode(mask)
    rle = loadable_segmentation(raw, 8, 6, 'ann 3')
    assert rle['counts'] == raw['counts'].decode()
    np.testing.assert_array_equal(_decode(rle, 8, 6), mask.astype(bool))


def test_list_of_rles_is_merged_like_refer_get_mask():
    first = _box_mask(9, 7, (0, 0, 3, 3))
    second = _box_mask(9, 7, (2, 2, 7, 9))
    parts = [_compressed(first), _compressed(second)]
    rle = loadable_segmentation(parts, 9, 7, 'ann 4')
    # refer's getMask: decode the list and sum the parts
    reference = mask_utils.decode(parts).sum(axis=2) > 0
    np.testing.assert_array_equal(_decode(rle, 9, 7), reference)
    assert _decode(rle, 9, 7).sum() == 9 + 35 - 1


def test_rle_of_another_size_is_refused():
    rle = _compressed(_box_mask(5, 5, (0, 0, 2, 2)))
    with pytest.raises(
            ValueError,
            match=r'ann 5: RLE of size \[5, 5\] on an '
            r'image of size \[6, 5\]'):
        loadable_segmentation(rle, 6, 5, 'ann 5')


@pytest.mark.parametrize('segmentation', [[], 'abc', [[1, 2, 3, 4, 5, 6], {}]])
def test_unknown_form_is_refused(segmentation):
    with pytest.raises(ValueError, match='ann 6: segmentation must be'):
        loadable_segmentation(segmentation, 5, 5, 'ann 6')


def test_empty_segmentation_is_background():
    rle = empty_segmentation(4, 3)
    assert rle['size'] == [4, 3]
    assert not _decode(rle, 4, 3).any()
