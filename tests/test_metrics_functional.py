"""Helpers shared by the metrics and the offline scorer."""
import numpy as np
import pycocotools.mask as mask_utils
import pytest
import torch
from mmdet.structures.mask import PolygonMasks

from mmvg.evaluation import (check_results, gt_instances_from_data_info,
                             mask_ann_to_bitmap, record_to_data_sample,
                             sample_key, select_pred_mask, union_mask)

SQUARE = [[2., 2., 6., 2., 6., 6., 2., 6.]]  # polygon of a square


def _square_bitmap():
    return mask_ann_to_bitmap(SQUARE, 8, 10)


def test_mask_ann_to_bitmap_reads_polygons_and_both_rles():
    bitmap = _square_bitmap()
    assert bitmap.shape == (8, 10) and bitmap.dtype == bool
    assert bitmap[3:6, 3:6].all() and not bitmap[:, 7:].any()
    compressed = mask_utils.encode(np.asfortranarray(bitmap.astype(np.uint8)))
    as_str = dict(
        size=compressed['size'], counts=compressed['counts'].decode())
    assert (mask_ann_to_bitmap(as_str, 8, 10) == bitmap).all()
    uncompressed = dict(size=[8, 10], counts=[8 * 10 - 3, 3])
    assert mask_ann_to_bitmap(uncompressed, 8, 10).sum() == 3
    with pytest.raises(ValueError, match='does not match the image size'):
        mask_ann_to_bitmap(as_str, 10, 8)
    with pytest.raises(TypeError, match='polygons or a COCO RLE'):
        mask_ann_to_bitmap('mask', 8, 10)


def test_union_and_selection_of_masks():
    polygons = PolygonMasks(
        [[np.array(SQUARE[0])], [np.array([0., 0., 2., 0., 2., 2., 0., 2.])]],
        8, 10)
    union = union_mask(polygons, (8, 10))
    assert (union == polygons.to_ndarray().any(0)).all()
    assert not union_mask(None, (8, 10)).any()
    masks = torch.zeros(2, 8, 10, dtype=torch.bool)
    masks[1, 0, 0] = True
    assert select_pred_mask(masks, torch.tensor([.1, .9]), (8, 10)).sum() == 1
    assert select_pred_mask(masks[:0], [], (8, 10)).shape == (8, 10)
    with pytest.raises(ValueError, match='2 predicted masks for 3 scores'):
        select_pred_mask(masks, [.1, .2, .3], (8, 10))


def test_sample_keys_and_result_checks():
    assert sample_key(dict(ref_id=np.int64(1), sent_id=2)) == (1, 2)
    with pytest.raises(KeyError, match='sent_id'):
        sample_key(dict(ref_id=1))
    with pytest.raises(ValueError, match='no results'):
        check_results([], 'M')
    check_results([dict(key=(1, 1)), dict(key=(1, 2))], 'M')


def test_record_to_data_sample_builds_gt_and_prediction():
    info = dict(
        ref_id=1,
        sent_id=2,
        img_path='a.jpg',
        height=8,
        width=10,
        no_target=False,
        expr_kind='spatial',
        text='the square',
        instances=[
            dict(
                bbox=[2., 2., 6., 6.],
                bbox_label=0,
                ignore_flag=0,
                mask=SQUARE),
            dict(
                bbox=[0., 0., 1., 1.],
                bbox_label=0,
                ignore_flag=1,
                mask=SQUARE),
        ])
    gt = gt_instances_from_data_info(info, with_mask=False)
    assert gt['bboxes'].tolist() == [[2., 2., 6., 6.]] and 'masks' not in gt

    rle = mask_utils.encode(
        np.asfortranarray(_square_bitmap().astype(np.uint8)))
    record = dict(
        ref_id=1,
        sent_id=2,
        bboxes=[[1., 1., 5., 5.]],
        scores=[0.5],
        mask=dict(size=[8, 10], counts=rle['counts'].decode()))
    sample = record_to_data_sample(record, info)
    assert sample['ori_shape'] == (8, 10) and sample['expr_kind'] == 'spatial'
    assert sample['pred_instances']['masks'].shape == (1, 8, 10)
    assert (sample['gt_instances']['masks'].to_ndarray()[0] ==
            sample['pred_instances']['masks'][0].numpy()).all()

    with pytest.raises(ValueError, match=r'one score per box'):
        record_to_data_sample(dict(record, scores=[]), info)
    with pytest.raises(ValueError, match='bad `mask`'):
        record_to_data_sample(
            dict(record, mask=dict(size=[1, 1], counts='1')), info)
    with pytest.raises(KeyError, match='without `mask`'):
        record_to_data_sample(
            record,
            dict(info, instances=[dict(bbox=[0, 0, 1, 1], ignore_flag=0)]))
