"""Crowd targets and RLE masks per dataset: refer family vs gRefCOCO."""
import numpy as np
import pycocotools.mask as mask_utils
import pytest
from mmdet.datasets.transforms import LoadAnnotations
from test_datasets_refer import POLYGON, _instances, _ref, _rle, _write

from mmvg.datasets import GRefCOCODataset, RefCOCODataset
from mmvg.evaluation.functional.prediction_record import \
    gt_instances_from_data_info

# image 1 is 80 (h) x 100 (w); a crowd annotation stores uncompressed RLE
CROWD_MASK = np.zeros((80, 100), dtype=np.uint8, order='F')
CROWD_MASK[50:70, 60:90] = 1
POLYGON_PIXELS = mask_utils.decode(
    mask_utils.merge(mask_utils.frPyObjects(POLYGON, 80, 100))).astype(bool)


def _uncompressed(mask):
    """Column-major run lengths, the form COCO crowd annotations use."""
    flat = mask.flatten(order='F')
    changes = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], changes, [flat.size]])
    runs = np.diff(bounds).tolist()
    return [0] + runs if flat[0] else runs


CROWD = dict(
    id=20,
    image_id=1,
    bbox=[60, 50, 30, 20],
    category_id=1,
    iscrowd=1,
    segmentation=dict(size=[80, 100], counts=_uncompressed(CROWD_MASK)))


def _union_of_loaded_masks(sample):
    sample = dict(sample, ori_shape=(sample['height'], sample['width']))
    results = LoadAnnotations(with_bbox=True, with_mask=True)(sample)
    return results, results['gt_masks'].masks.any(axis=0)


def _official_merged_mask(anns, height, width):
    """grefer.getMaskByRef(merge=True), restated: the union of the decoded
    masks of the non-crowd annotations."""
    merged = np.zeros((height, width), dtype=bool)
    for ann in anns:
        if ann['iscrowd']:
            continue
        rle = mask_utils.merge(
            mask_utils.frPyObjects(ann['segmentation'], height, width))
        merged |= mask_utils.decode(rle).astype(bool)
    return merged


def test_refcoco_crowd_target_keeps_box_and_decoded_mask(tmp_path):
    root = _write(tmp_path, [_ref(0, 20, 1, 'val', ['the crowd'])],
                  _instances([CROWD]))
    sample = RefCOCODataset(
        data_root=root, split='val', serialize_data=False).get_data_info(0)
    [instance] = sample['instances']
    assert instance['iscrowd'] == 1 and instance['ignore_flag'] == 0
    assert instance['bbox'] == [60., 50., 90., 70.]
    results, union = _union_of_loaded_masks(sample)
    assert results['gt_bboxes'].shape[0] == 1
    np.testing.assert_array_equal(union, CROWD_MASK.astype(bool))


def test_referitgame_list_of_rles_loads_with_mmdet(tmp_path):
    left, right = _rle(50, 50, (0, 0, 10, 10)), _rle(50, 50, (20, 0, 50, 5))
    ann = dict(
        id=21,
        image_id=2,
        bbox=[0, 0, 50, 10],
        category_id=1,
        iscrowd=0,
        segmentation=[left, right])
    root = _write(tmp_path, [_ref(0, 21, 2, 'train', ['sky'])],
                  _instances([ann]), 'refclef', 'refs(berkeley).p')
    sample = RefCOCODataset(
        data_root=root,
        ann_file='refclef/instances.json',
        split_file='refclef/refs(berkeley).p',
        split='train',
        serialize_data=False).get_data_info(0)
    _, union = _union_of_loaded_masks(sample)
    # refer's getMask decodes the list and sums the parts
    np.testing.assert_array_equal(
        union,
        mask_utils.decode([left, right]).sum(axis=2) > 0)
    assert union.sum() == 100 + 150


def _grefcoco_with_crowd(tmp_path, **kwargs):
    refs = [
        dict(_ref(0, [10, 20], 1, 'val', ['man and crowd']), category_id=[1]),
        dict(_ref(1, [20], 1, 'val', ['the crowd']), category_id=[1]),
    ]
    root = _write(tmp_path, refs, _instances([CROWD]), 'grefcoco',
                  'grefs(unc).json')
    return GRefCOCODataset(
        data_root=root, split='val', serialize_data=False, **kwargs)


def test_grefcoco_crowd_target_keeps_box_loses_mask(tmp_path, monkeypatch):
    import mmvg.datasets.grefcoco as grefcoco
    messages = []
    monkeypatch.setattr(grefcoco, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    dataset = _grefcoco_with_crowd(tmp_path)
    assert len(messages) == 1 and ': 2 crowd target(s) keep' in messages[0]
    both = dataset.get_data_info(0)
    # boxes: every target, as the official GREC scoring reads them
    assert [inst['bbox']
            for inst in both['instances']] == [[10., 20., 40., 60.],
                                               [60., 50., 90., 70.]]
    assert [inst['iscrowd'] for inst in both['instances']] == [0, 1]
    results, union = _union_of_loaded_masks(both)
    assert results['gt_bboxes'].shape[0] == 2
    assert len(results['gt_masks']) == 2
    anns = [_instances()['annotations'][0], CROWD]
    np.testing.assert_array_equal(union, _official_merged_mask(anns, 80, 100))
    np.testing.assert_array_equal(union, POLYGON_PIXELS)
    # the RES metric's GT from the dataset entry follows the same rule
    gt = gt_instances_from_data_info(both, with_mask=True)
    np.testing.assert_array_equal(gt['masks'].masks.any(axis=0), union)
    # an expression whose only target is a crowd: its box, an empty mask
    crowd_only = dataset.get_data_info(1)
    assert crowd_only['no_target'] is False
    _, union = _union_of_loaded_masks(crowd_only)
    assert not union.any()


def test_grefcoco_keep_decodes_crowd_masks(tmp_path):
    dataset = _grefcoco_with_crowd(tmp_path, crowd_masks='keep')
    _, union = _union_of_loaded_masks(dataset.get_data_info(0))
    np.testing.assert_array_equal(union,
                                  POLYGON_PIXELS | CROWD_MASK.astype(bool))


def test_grefcoco_unknown_crowd_rule(tmp_path):
    with pytest.raises(
            ValueError,
            match=r"crowd_masks must be one of "
            r"\('empty', 'keep'\), got 'drop'"):
        _grefcoco_with_crowd(tmp_path, crowd_masks='drop')
