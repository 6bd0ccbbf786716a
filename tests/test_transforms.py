"""Tests of the grounding pipeline steps on small synthetic samples."""
import copy

import cv2
import numpy as np
import pytest
import torch
from mmdet.datasets.transforms import LoadAnnotations
from mmdet.structures import DetDataSample
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from mmvg.datasets.transforms import (GroundingRandomFlip, LoadGroundingImage,
                                      PackGroundingInputs, ReplaceText,
                                      check_expression, swap_left_right)
from mmvg.registry import TRANSFORMS

H, W = 40, 60
BOXES = [[5., 10., 20., 30.], [30., 2., 50., 18.]]


def coordinate_image(h: int = H, w: int = W) -> np.ndarray:
    """An image whose pixel (y, x) holds (x, y, 7): crops/flips are exact."""
    ys, xs = np.mgrid[:h, :w]
    return np.stack([xs, ys, np.full_like(xs, 7)], -1).astype(np.uint8)


def rect_polygon(box):
    x1, y1, x2, y2 = box
    return [[x1, y1, x2, y1, x2, y2, x1, y2]]


def data_info(boxes=BOXES, text='the left circle', **extra) -> dict:
    """A data_list entry as the datasets produce it."""
    info = dict(
        img_path='images/0001.jpg',
        img_id=1,
        ref_id=11,
        sent_id=111,
        text=text,
        height=H,
        width=W,
        dataset_name='synthetic',
        no_target=not boxes,
        instances=[
            dict(
                bbox=list(b),
                bbox_label=0,
                ignore_flag=0,
                mask=rect_polygon(b)) for b in boxes
        ])
    info.update(extra)
    return info


def loaded(poly2mask: bool = True, **kwargs) -> dict:
    """A sample after image loading and mmdet ``LoadAnnotations``."""
    results = data_info(**kwargs)
    img = coordinate_image()
    results.update(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
    return LoadAnnotations(with_mask=True, poly2mask=poly2mask)(results)


# --- expression word swap -------------------------------------------------


@pytest.mark.parametrize('text, expected', [
    ('the left circle', 'the right circle'),
    ('the right circle', 'the left circle'),
    ('Left of the red one', 'Right of the red one'),
    ('RIGHT square', 'LEFT square'),
    ('leftmost and Rightmost', 'rightmost and Leftmost'),
    ('the lefter one, moving leftwards', 'the righter one, moving rightwards'),
    ('second from the left.', 'second from the right.'),
    ('left-most cleft, bright leftover', 'right-most cleft, bright leftover'),
    ('no direction here', 'no direction here'),
])
def test_swap_left_right(text, expected):
    assert swap_left_right(text) == expected
    assert swap_left_right(swap_left_right(text)) == text


# --- flip -----------------------------------------------------------------


@pytest.mark.parametrize('poly2mask', [True, False])
def test_flip_exact(poly2mask):
    results = loaded(poly2mask=poly2mask)
    masks_before = results['gt_masks'].to_ndarray()
    out = GroundingRandomFlip(prob=1.0)(results)

    assert out['flip'] and out['flip_direction'] == 'horizontal'
    assert out['text'] == 'the right circle'
    np.testing.assert_array_equal(out['img'], coordinate_image()[:, ::-1])
    expected = [[W - x2, y1, W - x1, y2] for x1, y1, x2, y2 in BOXES]
    np.testing.assert_allclose(out['gt_bboxes'].numpy(), expected)
    np.testing.assert_array_equal(out['gt_masks'].to_ndarray(),
                                  masks_before[:, :, ::-1])


def test_flip_prob_zero_keeps_text():
    out = GroundingRandomFlip(prob=0.0)(loaded())
    assert out['flip'] is False and out['text'] == 'the left circle'


def test_flip_rejects_vertical():
    with pytest.raises(ValueError, match='horizontal'):
        GroundingRandomFlip(prob=0.5, direction='vertical')


# --- text steps -----------------------------------------------------------


def test_replace_text():
    assert ReplaceText()(data_info())['text'] == 'object'
    assert ReplaceText(text='thing')(data_info())['text'] == 'thing'
    with pytest.raises(ValueError, match='needs a non-blank text'):
        ReplaceText(text='  ')


@pytest.mark.parametrize('text', ['', '   \t'])
def test_check_expression_blank_names_sample(text):
    with pytest.raises(ValueError, match='Empty expression') as info:
        check_expression(data_info(text=text))
    message = str(info.value)
    assert 'ref_id=11' in message and 'sent_id=111' in message
    assert 'images/0001.jpg' in message


def test_check_expression_returns_text_or_names_sample():
    assert check_expression(data_info(text='the left circle')) == \
        'the left circle'
    results = data_info()
    del results['text']
    with pytest.raises(KeyError, match='ref_id=11'):
        check_expression(results)


# --- packing --------------------------------------------------------------


def test_pack_fields():
    results = loaded(expr_kind='relation')
    results.update(
        scale_factor=(1., 1.),
        flip=False,
        flip_direction=None,
        pad_shape=(H, W))
    packed = PackGroundingInputs()(results)

    assert packed['inputs'].shape == (3, H, W)
    sample = packed['data_samples']
    assert isinstance(sample, DetDataSample)
    assert sample.text == 'the left circle'
    meta = sample.metainfo
    for key in ('img_path', 'img_id', 'ref_id', 'sent_id', 'ori_shape',
                'img_shape', 'scale_factor', 'flip', 'flip_direction',
                'pad_shape', 'dataset_name', 'no_target', 'expr_kind'):
        assert key in meta, key
    assert meta['ref_id'] == 11 and meta['expr_kind'] == 'relation'
    assert meta['no_target'] is False
    torch.testing.assert_close(sample.gt_instances.bboxes.tensor,
                               torch.tensor(BOXES))
    assert sample.gt_instances.labels.tolist() == [0, 0]
    assert sample.gt_instances.masks.masks.shape == (2, H, W)


def test_pack_no_target_and_missing_optional_keys():
    packed = PackGroundingInputs()(loaded(boxes=[]))
    sample = packed['data_samples']
    assert tuple(sample.gt_instances.bboxes.shape) == (0, 4)
    assert sample.no_target is True
    assert 'expr_kind' not in sample.metainfo
    assert 'flip' not in sample.metainfo


def test_pack_rejects_blank_text():
    with pytest.raises(ValueError, match='sent_id=111'):
        PackGroundingInputs()(loaded(text=' '))


def test_pack_rejects_lost_or_inconsistent_targets():
    results = data_info()
    results['instances'][1]['mask'] = [[1., 2., 3., 4.]]  # invalid polygon
    img = coordinate_image()
    results.update(img=img, img_shape=(H, W), ori_shape=(H, W))
    results = LoadAnnotations(with_mask=True)(results)
    with pytest.raises(ValueError, match=r'Targets \[1\].*ref_id=11'):
        PackGroundingInputs()(results)
    with pytest.raises(ValueError, match='no_target=True.*2 target'):
        PackGroundingInputs()(loaded(no_target=True))
    with pytest.raises(ValueError, match='no_target=False.*0 target'):
        PackGroundingInputs()(loaded(boxes=[], no_target=False))


# --- loading --------------------------------------------------------------


def test_load_image(tmp_path):
    path = str(tmp_path / 'ok.png')
    cv2.imwrite(path, coordinate_image())
    out = LoadGroundingImage()(data_info(img_path=path))
    np.testing.assert_array_equal(out['img'], coordinate_image())
    assert out['ori_shape'] == (H, W)


def test_load_missing_image_names_path_and_sample(tmp_path):
    path = str(tmp_path / 'missing.jpg')
    with pytest.raises(FileNotFoundError) as info:
        LoadGroundingImage()(data_info(img_path=path))
    message = str(info.value)
    assert path in message and 'ref_id=11' in message
    assert 'sent_id=111' in message
    assert LoadGroundingImage(ignore_empty=True)(
        data_info(img_path=path)) is None


@pytest.mark.parametrize('content', [b'not an image at all', b''])
@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_load_corrupt_image_names_path(tmp_path, content, backend):
    path = tmp_path / 'corrupt.jpg'
    path.write_bytes(content)
    with pytest.raises(ValueError, match='corrupt.jpg') as info:
        LoadGroundingImage(imdecode_backend=backend)(
            data_info(img_path=str(path)))
    assert str(path) in str(info.value)


# --- full pipeline through Compose ----------------------------------------


def build_pipeline(cfgs):
    with DefaultScope.overwrite_default_scope('mmvg'):
        return Compose(cfgs)


def test_train_pipeline_from_configs(tmp_path):
    path = str(tmp_path / 'img.png')
    cv2.imwrite(path, coordinate_image())
    pipeline = build_pipeline([
        dict(type='LoadGroundingImage'),
        dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
        dict(type='Resize', scale=(120, 80), keep_ratio=True),
        dict(type='GroundingRandomFlip', prob=1.0),
        dict(type='Pad', size=(128, 128)),
        dict(type='PackGroundingInputs'),
    ])
    packed = pipeline(data_info(img_path=path))
    sample = packed['data_samples']

    assert packed['inputs'].shape == (3, 128, 128)
    assert sample.text == 'the right circle'
    assert sample.flip is True and sample.flip_direction == 'horizontal'
    # mmcv's Pad sets img_shape to the padded shape too
    assert sample.ori_shape == (H, W) and sample.scale_factor == (2., 2.)
    assert sample.img_shape == sample.pad_shape[:2] == (128, 128)
    expected = [[2 * (W - x2), 2 * y1, 2 * (W - x1), 2 * y2]
                for x1, y1, x2, y2 in BOXES]
    torch.testing.assert_close(sample.gt_instances.bboxes.tensor,
                               torch.tensor(expected))
    masks = sample.gt_instances.masks
    assert masks.masks.shape == (2, 128, 128)
    # the flipped, scaled first box is filled in its mask
    x1, y1, x2, y2 = map(int, expected[0])
    assert masks.masks[0, y1 + 1:y2 - 1, x1 + 1:x2 - 1].all()


def test_test_pipeline_keeps_original_pixels(tmp_path):
    path = str(tmp_path / 'img.png')
    cv2.imwrite(path, coordinate_image())
    pipeline = build_pipeline([
        dict(type='LoadGroundingImage'),
        dict(type='Resize', scale=(120, 80), keep_ratio=True),
        dict(type='Pad', size_divisor=32),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='PackGroundingInputs'),
    ])
    sample = pipeline(data_info(img_path=path))['data_samples']
    torch.testing.assert_close(sample.gt_instances.bboxes.tensor,
                               torch.tensor(BOXES))
    assert sample.scale_factor == (2.0, 2.0)
    assert 'flip' not in sample.metainfo


def test_registered_in_mmvg_scope():
    for name in ('PackGroundingInputs', 'LoadGroundingImage',
                 'GroundingRandomFlip', 'ReplaceText'):
        assert TRANSFORMS.get(name) is not None, name
    flip = TRANSFORMS.build(dict(type='GroundingRandomFlip', prob=1.0))
    assert flip(copy.deepcopy(loaded()))['text'] == 'the right circle'
