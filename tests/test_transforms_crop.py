"""Tests of the target-keeping crop and the large-scale jitter."""
import numpy as np
import pytest
from mmdet.datasets.transforms import LoadAnnotations
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks, PolygonMasks

from mmvg.datasets.transforms import (RandomCropKeepTargets,
                                      RandomResizeCropKeepTargets)

H, W = 48, 64


def coordinate_image() -> np.ndarray:
    """Pixel (y, x) holds (x, y, 7), so a crop's offset can be read back."""
    ys, xs = np.mgrid[:H, :W]
    return np.stack([xs, ys, np.full_like(xs, 7)], -1).astype(np.uint8)


def random_sample(rng: np.random.RandomState, num_targets: int,
                  poly2mask: bool) -> dict:
    """A loaded sample with random boxes and rectangle polygon masks."""
    instances = []
    for _ in range(num_targets):
        x1, y1 = rng.uniform(0, W - 4), rng.uniform(0, H - 4)
        x2, y2 = rng.uniform(x1 + 2, W), rng.uniform(y1 + 2, H)
        instances.append(
            dict(
                bbox=[x1, y1, x2, y2],
                bbox_label=0,
                ignore_flag=0,
                mask=[[x1, y1, x2, y1, x2, y2, x1, y2]]))
    img = coordinate_image()
    results = dict(
        img=img,
        img_shape=(H, W),
        ori_shape=(H, W),
        height=H,
        width=W,
        instances=instances,
        text='the left one')
    return LoadAnnotations(with_mask=True, poly2mask=poly2mask)(results)


def check_targets_inside(out: dict, num_targets: int) -> None:
    img_h, img_w = out['img'].shape[:2]
    boxes = out['gt_bboxes'].numpy()
    assert len(boxes) == num_targets == len(out['gt_masks'])
    assert (boxes[:, :2] >= 0).all()
    assert (boxes[:, 2] <= img_w).all() and (boxes[:, 3] <= img_h).all()
    assert out['gt_masks'].height == img_h and out['gt_masks'].width == img_w
    assert out['img_shape'] == (img_h, img_w)


@pytest.mark.parametrize('poly2mask', [True, False])
@pytest.mark.parametrize('crop_size', [(16, 12), (40, 30), (100, 100)])
def test_crop_keeps_every_target(poly2mask, crop_size):
    crop = RandomCropKeepTargets(crop_size)
    for seed in range(60):
        rng = np.random.RandomState(seed)
        np.random.seed(seed)
        num_targets = 1 + seed % 3
        results = random_sample(rng, num_targets, poly2mask)
        boxes = results['gt_bboxes'].numpy().copy()
        masks = results['gt_masks']
        areas = masks.areas.copy()
        bitmaps = masks.to_ndarray()
        out = crop(results)

        check_targets_inside(out, num_targets)
        # the image is the original window: read its offset from pixels
        x1, y1 = int(out['img'][0, 0, 0]), int(out['img'][0, 0, 1])
        img_h, img_w = out['img'].shape[:2]
        np.testing.assert_array_equal(
            out['img'],
            coordinate_image()[y1:y1 + img_h, x1:x1 + img_w])
        # no smaller than asked (unless the image is), big enough otherwise
        assert img_w >= min(crop_size[0], W) and img_h >= min(crop_size[1], H)
        # boxes and masks move with the window, unchanged otherwise
        np.testing.assert_allclose(
            out['gt_bboxes'].numpy(), boxes - [x1, y1, x1, y1], atol=1e-4)
        np.testing.assert_allclose(out['homography_matrix'][:2, 2], [-x1, -y1])
        if isinstance(out['gt_masks'], BitmapMasks):
            np.testing.assert_array_equal(
                out['gt_masks'].masks, bitmaps[:, y1:y1 + img_h,
                                               x1:x1 + img_w])
        else:
            assert isinstance(out['gt_masks'], PolygonMasks)
            np.testing.assert_allclose(out['gt_masks'].areas, areas, rtol=1e-4)


def test_crop_is_random_and_sized():
    crop = RandomCropKeepTargets((20, 16))
    corners = set()
    for seed in range(30):
        np.random.seed(seed)
        results = random_sample(np.random.RandomState(0), 0, True)
        out = crop(results)
        assert out['img'].shape[:2] == (16, 20)
        corners.add((int(out['img'][0, 0, 0]), int(out['img'][0, 0, 1])))
    assert len(corners) > 10


def test_crop_no_target_sample():
    np.random.seed(0)
    results = random_sample(np.random.RandomState(0), 0, poly2mask=False)
    out = RandomCropKeepTargets((24, 20))(results)
    assert out['img'].shape[:2] == (20, 24)
    assert out['gt_bboxes'].numpy().shape == (0, 4)
    assert len(out['gt_masks']) == 0 and out['gt_masks'].height == 20


def test_crop_grows_to_hold_large_targets():
    results = dict(
        img=coordinate_image(),
        gt_bboxes=HorizontalBoxes([[3.5, 4.2, 50.1, 40.0]]))
    out = RandomCropKeepTargets((10, 10))(results)
    assert out['img'].shape[:2] == (36, 48)  # floor/ceil of the box span
    np.testing.assert_allclose(
        out['gt_bboxes'].numpy(), [[0.5, 0.2, 47.1, 36.0]], atol=1e-5)


def test_crop_rejects_bad_size():
    with pytest.raises(ValueError, match='crop_size'):
        RandomCropKeepTargets((0, 10))


@pytest.mark.parametrize('poly2mask', [True, False])
def test_large_scale_jitter_keeps_targets(poly2mask):
    lsj = RandomResizeCropKeepTargets(scale=(64, 64), ratio_range=(0.3, 2.0))
    shapes = set()
    for seed in range(40):
        np.random.seed(seed)
        num_targets = seed % 3
        results = random_sample(
            np.random.RandomState(seed), num_targets, poly2mask)
        out = lsj(results)
        check_targets_inside(out, num_targets)
        assert 'scale_factor' in out
        img_h, img_w = out['img'].shape[:2]
        shapes.add((img_h, img_w))
        if num_targets == 0:
            assert img_h <= 64 and img_w <= 64
    assert len(shapes) > 5
