"""SeqTRFormatDataset on tiny SeqTR / SimVG ``instances.json`` files."""
import json

import pytest

from mmvg.datasets import SeqTRFormatDataset

POLYGON = [[10., 20., 40., 20., 40., 60., 10., 60.]]
ANN_FILE = 'annotations/refcoco-unc/instances.json'


def _entry(image_id, expressions, bbox, **extra):
    return dict(
        image_id=image_id,
        height=80,
        width=100,
        expressions=expressions,
        bbox=bbox,
        **extra)


def _seqtr_json():
    return {
        'train': [
            _entry(
                72, ['left man', 'man in red'], [10, 20, 30, 40],
                mask=POLYGON,
                category_id=1),
            _entry(73, ['cup'], [90, 70, 20, 20], ref_id=555),
        ],
        'val': [_entry(74, ['dog'], [0, 0, 5, 5])],
        'testA': [_entry(75, ['kid', 'child', 'small kid'], [1, 1, 5, 5])],
    }


def _dataset(tmp_path, content, split, **kwargs):
    path = tmp_path / ANN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content))
    return SeqTRFormatDataset(
        data_root=str(tmp_path), split=split, serialize_data=False, **kwargs)


@pytest.mark.parametrize('split,num', [('train', 3), ('val', 1), ('testA', 3)])
def test_every_expression_is_a_sample(tmp_path, split, num):
    assert len(_dataset(tmp_path, _seqtr_json(), split)) == num


def test_sample_layout(tmp_path):
    dataset = _dataset(tmp_path, _seqtr_json(), 'train')
    first, second, third = (dataset.get_data_info(i) for i in range(3))
    assert first['img_path'] == (f'{tmp_path}/images/mscoco/train2014/'
                                 'COCO_train2014_000000000072.jpg')
    assert (first['img_id'], first['ref_id'], first['sent_id']) == (72, 0, 0)
    assert (second['ref_id'], second['sent_id']) == (0, 1)
    assert (third['ref_id'], third['sent_id']) == (555, 2)
    assert second['text'] == 'man in red'
    assert first['instances'] == [
        dict(
            bbox=[10., 20., 40., 60.],
            bbox_label=0,
            ignore_flag=0,
            iscrowd=0,
            mask=POLYGON)
    ]
    assert third['instances'][0]['bbox'] == [90., 70., 100., 80.]  # clipped
    assert 'mask' not in third['instances'][0]


def test_referit_image_names(tmp_path):
    dataset = _dataset(
        tmp_path,
        _seqtr_json(),
        'val',
        data_prefix=dict(img_path='images/saiaprtc12/'),
        img_name_format='{}.jpg',
        dataset_name='referit')
    sample = dataset.get_data_info(0)
    assert sample['img_path'] == f'{tmp_path}/images/saiaprtc12/74.jpg'
    assert sample['dataset_name'] == 'referit'


def test_mixed_sources(tmp_path):
    content = {
        'train': [
            _entry(72, ['man'], [10, 20, 30, 40], data_source='coco'),
            _entry(36979, ['dog'], [1, 1, 5, 5], data_source='flickr'),
        ]
    }
    sources = dict(
        coco=dict(
            img_path='images/mscoco/train2014/',
            img_name_format='COCO_train2014_{:012d}.jpg'),
        flickr=dict(img_path='images/flickr30k/', img_name_format='{}.jpg'))
    dataset = _dataset(tmp_path, content, 'train', img_sources=sources)
    assert dataset.get_data_info(1)['img_path'] == (
        f'{tmp_path}/images/flickr30k/36979.jpg')
    content['train'][1]['data_source'] = 'vg'
    with pytest.raises(ValueError, match=r"'vg' is not one of img_sources"):
        _dataset(tmp_path, content, 'train', img_sources=sources)


def test_simvg_grefcoco_per_expression_boxes(tmp_path):
    empty = dict(bbox=[0, 0, 0, 0], empty=True, original_id=-1)
    target = dict(bbox=[10, 20, 30, 40], empty=False, original_id=10)
    content = {
        'val': [
            _entry(
                72, ['nobody', 'the two things'],
                [[[0, 0, 0, 0]], [[10, 20, 30, 40], [50, 5, 10, 10]]],
                annotations=[[empty], [target, target]])
        ]
    }
    dataset = _dataset(tmp_path, content, 'val', dataset_name='grefcoco')
    nobody, both = dataset.get_data_info(0), dataset.get_data_info(1)
    assert nobody['no_target'] and nobody['instances'] == []
    assert not both['no_target']
    assert [inst['bbox']
            for inst in both['instances']] == [[10., 20., 40., 60.],
                                               [50., 5., 60., 15.]]


def test_unknown_split(tmp_path):
    with pytest.raises(
            ValueError, match=r"testB.*\['testA', 'train', 'val'\]"):
        _dataset(tmp_path, _seqtr_json(), 'testB')


def test_empty_expression(tmp_path):
    content = _seqtr_json()
    content['val'][0]['expressions'] = ['dog', '']
    with pytest.raises(ValueError, match=r'ref_id=0, sent_id=1'):
        _dataset(tmp_path, content, 'val')


def test_box_count_mismatch(tmp_path):
    content = {'val': [_entry(72, ['a', 'b'], [[[1, 1, 5, 5]]])]}
    with pytest.raises(ValueError, match='1 box lists for 2 expressions'):
        _dataset(tmp_path, content, 'val')
