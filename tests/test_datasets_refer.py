"""RefCOCODataset / GRefCOCODataset on tiny refer-format files built here."""
import json
import pickle
import re

import numpy as np
import pycocotools.mask as mask_utils
import pytest
from mmdet.datasets.transforms import LoadAnnotations

from mmvg.datasets import GRefCOCODataset, RefCOCODataset
from mmvg.registry import DATASETS

POLYGON = [[10., 20., 40., 20., 40., 60., 10., 60.]]


def _rle(height, width, box):
    """A compressed RLE (string counts, as in refclef's instances.json)."""
    mask = np.zeros((height, width), dtype=np.uint8, order='F')
    x1, y1, x2, y2 = box
    mask[y1:y2, x1:x2] = 1
    rle = mask_utils.encode(mask)
    return dict(size=rle['size'], counts=rle['counts'].decode())


def _instances(extra_anns=()):
    images = [
        dict(
            id=1,
            file_name='COCO_train2014_000000000001.jpg',
            height=80,
            width=100),
        dict(
            id=2,
            file_name='COCO_train2014_000000000002.jpg',
            height=50,
            width=50),
        dict(
            id=3,
            file_name='COCO_train2014_000000000003.jpg',
            height=40,
            width=60),
    ]
    anns = [
        dict(
            id=10,
            image_id=1,
            bbox=[10, 20, 30, 40],
            segmentation=POLYGON,
            category_id=1,
            iscrowd=0),
        # partly outside the 100x80 image: clipped to [90, 70, 100, 80]
        dict(
            id=11,
            image_id=1,
            bbox=[90, 70, 20, 20],
            segmentation=POLYGON,
            category_id=1,
            iscrowd=0),
        dict(
            id=12,
            image_id=2,
            bbox=[0, 0, 25, 25],
            segmentation=_rle(50, 50, (0, 0, 25, 25)),
            category_id=1,
            iscrowd=0),
        dict(
            id=13,
            image_id=3,
            bbox=[5, 5, 10, 10],
            segmentation=POLYGON,
            category_id=1,
            iscrowd=0),
        dict(
            id=14,
            image_id=2,
            bbox=[30, 30, 10, 10],
            segmentation=POLYGON,
            category_id=1,
            iscrowd=0),
    ] + list(extra_anns)
    return dict(
        images=images,
        annotations=anns,
        categories=[dict(id=1, name='object')])


def _ref(ref_id, ann_id, image_id, split, texts, kind=None):
    sentences = []
    for k, text in enumerate(texts):
        sent = dict(
            sent_id=ref_id * 10 + k, sent=text, raw=text, tokens=text.split())
        if kind:
            sent['kind'] = kind
        sentences.append(sent)
    return dict(
        ref_id=ref_id,
        ann_id=ann_id,
        image_id=image_id,
        split=split,
        sentences=sentences,
        sent_ids=[s['sent_id'] for s in sentences],
        category_id=1,
        file_name=f'COCO_train2014_{image_id:012d}_{ref_id}.jpg')


REFS = [
    _ref(0, 10, 1, 'train', ['left man', 'man in red'], kind='attribute'),
    _ref(1, 11, 1, 'train', ['corner thing']),
    _ref(2, 12, 2, 'val', ['top left block', 'the block']),
    _ref(3, 13, 3, 'testA', ['small person']),
    _ref(4, 14, 2, 'testB', ['cup', 'the cup', 'a cup']),
]


def _write(tmp_path,
           refs=REFS,
           instances=None,
           folder='refcoco',
           split_name='refs(unc).p'):
    root = tmp_path / folder
    root.mkdir(exist_ok=True)
    (root / 'instances.json').write_text(json.dumps(instances or _instances()))
    path = root / split_name
    if split_name.endswith('.p'):
        path.write_bytes(pickle.dumps(refs, protocol=2))
    else:
        path.write_text(json.dumps(refs))
    return str(tmp_path)


def _refcoco(data_root, split, **kwargs):
    # serialize_data=False skips mmengine's gc.collect (~0.4 s a dataset)
    return RefCOCODataset(
        data_root=data_root, split=split, serialize_data=False, **kwargs)


@pytest.mark.parametrize('split,num', [('train', 3), ('val', 2), ('testA', 1),
                                       ('testB', 3), ('test', 4)])
def test_counts_per_split(tmp_path, split, num):
    dataset = _refcoco(_write(tmp_path), split)
    assert len(dataset) == num
    # every sentence of every ref, not one per ref
    assert len({dataset[i]['sent_id'] for i in range(num)}) == num


def test_sample_layout_and_boxes(tmp_path):
    root = _write(tmp_path)
    dataset = DATASETS.build(
        dict(
            type='RefCOCODataset',
            data_root=root,
            split='train',
            dataset_name='refcoco'))
    first = dataset.get_data_info(0)
    assert first['img_path'] == (f'{root}/train2014/'
                                 'COCO_train2014_000000000001.jpg')
    assert (first['img_id'], first['ref_id'], first['sent_id']) == (1, 0, 0)
    assert first['text'] == 'left man'
    assert (first['height'], first['width']) == (80, 100)
    assert first['dataset_name'] == 'refcoco'
    assert first['no_target'] is False
    assert first['expr_kind'] == 'attribute'
    [instance] = first['instances']
    assert instance['bbox'] == [10., 20., 40., 60.]  # xywh -> xyxy
    assert instance['bbox_label'] == 0 and instance['ignore_flag'] == 0
    assert instance['mask'] == POLYGON
    # the ref without `kind` gets no expr_kind
    assert 'expr_kind' not in dataset.get_data_info(2)


def test_partly_outside_box_is_clipped_with_one_warning(tmp_path, monkeypatch):
    import mmvg.datasets.base_grounding_dataset as base
    messages = []
    monkeypatch.setattr(base, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    dataset = _refcoco(_write(tmp_path), 'train')
    assert dataset.get_data_info(2)['instances'][0]['bbox'] == [
        90., 70., 100., 80.
    ]
    assert len(messages) == 1 and messages[0].startswith('1 box(es)')


def test_masks_load_with_mmdet(tmp_path):
    dataset = _refcoco(_write(tmp_path), 'val')
    sample = dataset.get_data_info(0)
    assert isinstance(sample['instances'][0]['mask'], dict)  # RLE
    sample['ori_shape'] = (sample['height'], sample['width'])
    results = LoadAnnotations(with_bbox=True, with_mask=True)(sample)
    assert results['gt_masks'].masks.shape == (1, 50, 50)
    assert results['gt_masks'].masks.sum() == 25 * 25
    np.testing.assert_allclose(results['gt_bboxes'].numpy(), [[0, 0, 25, 25]])


def test_referitgame_berkeley_splits_and_rle(tmp_path):
    refs = [
        _ref(0, 12, 2, 'train', ['sky']),
        _ref(1, 14, 2, 'val', ['water']),
        _ref(2, 13, 3, 'test', ['tree', 'the tree']),
    ]
    root = _write(
        tmp_path, refs, folder='refclef', split_name='refs(berkeley).p')
    dataset = RefCOCODataset(
        data_root=root,
        ann_file='refclef/instances.json',
        split_file='refclef/refs(berkeley).p',
        split='test',
        data_prefix=dict(img_path='saiapr_tc-12/'),
        dataset_name='referit',
        serialize_data=False)
    assert len(dataset) == 2
    assert dataset.get_data_info(0)['dataset_name'] == 'referit'
    train = RefCOCODataset(
        data_root=root,
        ann_file='refclef/instances.json',
        split_file='refclef/refs(berkeley).p',
        split='train',
        serialize_data=False)
    assert set(
        train.get_data_info(0)['instances'][0]['mask']) == {'size', 'counts'}


def test_lazy_init_reads_nothing(tmp_path):
    dataset = RefCOCODataset(
        data_root=str(tmp_path / 'absent'), lazy_init=True)
    with pytest.raises(FileNotFoundError):
        dataset.full_init()


def test_unknown_split_lists_present_splits(tmp_path):
    with pytest.raises(
            ValueError, match=r"testC.*'testA', 'testB', "
            r"'train', 'val'"):
        _refcoco(_write(tmp_path), 'testC')


def test_missing_ann_id_names_ref_and_file(tmp_path):
    refs = REFS + [_ref(5, 99, 1, 'train', ['ghost'])]
    with pytest.raises(
            ValueError, match=r'ref 5 .*annotation 99.*'
            r'instances\.json'):
        _refcoco(_write(tmp_path, refs), 'train')


def test_empty_expression_names_ids(tmp_path):
    refs = REFS + [_ref(6, 10, 1, 'train', ['  '])]
    with pytest.raises(ValueError, match=r'ref_id=6, sent_id=60'):
        _refcoco(_write(tmp_path, refs), 'train')


def test_empty_sent_falls_back_to_raw(tmp_path):
    refs = [_ref(0, 10, 1, 'train', ['man'])]
    refs[0]['sentences'][0].update(sent='', raw='Man!')
    assert _refcoco(_write(tmp_path, refs), 'train')[0]['text'] == 'Man!'


def test_zero_size_box_fails(tmp_path):
    bad = dict(
        id=15,
        image_id=1,
        bbox=[5, 5, 0, 10],
        segmentation=POLYGON,
        category_id=1,
        iscrowd=0)
    refs = REFS + [_ref(7, 15, 1, 'train', ['flat'])]
    with pytest.raises(ValueError, match=r'annotation 15.*zero or negative'):
        _refcoco(_write(tmp_path, refs, _instances([bad])), 'train')


def test_missing_split_file(tmp_path):
    root = _write(tmp_path)
    with pytest.raises(FileNotFoundError, match=r'refs\(google\)\.p'):
        RefCOCODataset(data_root=root, split_file='refcoco/refs(google).p')


def test_missing_annotation_file(tmp_path):
    root = _write(tmp_path)
    with pytest.raises(FileNotFoundError, match=r'refcoco/other\.json'):
        RefCOCODataset(data_root=root, ann_file='refcoco/other.json')


@pytest.mark.parametrize('split_name,truncated,error', [
    ('refs(unc).p', 'instances.json', ValueError),
    ('refs(unc).p', 'refs(unc).p', pickle.UnpicklingError),
    ('refs(unc).json', 'refs(unc).json', ValueError),
])
def test_truncated_annotation_file_names_it(tmp_path, split_name, truncated,
                                            error):
    root = _write(tmp_path, split_name=split_name)
    path = f'{root}/refcoco/{truncated}'
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(error, match=re.escape(f'refcoco/{truncated} is not')):
        _refcoco(root, 'train', split_file=f'refcoco/{split_name}')


def test_check_images(tmp_path):
    root = _write(tmp_path)
    with pytest.raises(FileNotFoundError, match=r'1 of 1 image files'):
        _refcoco(root, 'testA', check_images=True)
    image_dir = tmp_path / 'train2014'
    image_dir.mkdir()
    (image_dir / 'COCO_train2014_000000000003.jpg').write_bytes(b'')
    assert len(_refcoco(root, 'testA', check_images=True)) == 1


def test_exclude_images_of(tmp_path):
    root = _write(tmp_path)
    # ref 4 (testB) uses image 2, like the val ref 2
    dataset = _refcoco(
        root,
        'testB',
        exclude_images_of=[
            dict(split_file='refcoco/refs(unc).p', splits=['train'])
        ])
    assert len(dataset) == 3
    with pytest.raises(ValueError, match='holds no sample'):
        _refcoco(
            root,
            'testB',
            exclude_images_of=[
                dict(split_file='refcoco/refs(unc).p', splits=['val'])
            ])


def _grefs():
    return [
        dict(
            _ref(0, [-1], 1, 'train', ['nobody here', 'no one']),
            category_id=[]),
        dict(_ref(1, [12], 2, 'train', ['the block']), category_id=[1]),
        dict(_ref(2, [10, 11], 1, 'val', ['both things']), category_id=[1, 1]),
        _ref(3, 13, 3, 'val', ['single int ann_id']),
    ]


def _grefcoco(root, split):
    return GRefCOCODataset(data_root=root, split=split, serialize_data=False)


def test_grefcoco_targets(tmp_path):
    root = _write(
        tmp_path, _grefs(), folder='grefcoco', split_name='grefs(unc).json')
    train = _grefcoco(root, 'train')
    assert len(train) == 3
    assert [train[i]['no_target'] for i in range(3)] == [True, True, False]
    assert train.get_data_info(0)['instances'] == []
    assert train.get_data_info(0)['dataset_name'] == 'grefcoco'
    val = _grefcoco(root, 'val')
    two = val.get_data_info(0)['instances']
    assert [inst['bbox'] for inst in two] == [[10., 20., 40., 60.],
                                              [90., 70., 100., 80.]]
    assert all(inst['mask'] == POLYGON for inst in two)
    assert len(val.get_data_info(1)['instances']) == 1


def test_grefcoco_no_target_loads_empty_annotations(tmp_path):
    root = _write(
        tmp_path, _grefs(), folder='grefcoco', split_name='grefs(unc).json')
    sample = _grefcoco(root, 'train').get_data_info(0)
    sample['ori_shape'] = (sample['height'], sample['width'])
    results = LoadAnnotations(with_bbox=True, with_mask=True)(sample)
    assert results['gt_bboxes'].shape[0] == 0
    assert len(results['gt_masks']) == 0


@pytest.mark.parametrize('ann_id', [[], [-1, 10]])
def test_grefcoco_bad_ann_id(tmp_path, ann_id):
    refs = _grefs() + [_ref(4, ann_id, 1, 'train', ['bad'])]
    root = _write(
        tmp_path, refs, folder='grefcoco', split_name='grefs(unc).json')
    with pytest.raises(ValueError, match=r'ref 4 .*grefs\(unc\)\.json'):
        _grefcoco(root, 'train')
