"""Flickr30kDataset on a tiny MDETR ``final_flickr_separateGT`` file."""
import json

import pytest

from mmvg.datasets import Flickr30kDataset

CAPTION = 'A man in a red hat plays with two dogs .'
ANN_FILE = 'flickr30k/final_flickr_separateGT_val.json'


def _mdetr_json():
    """Two captions of image 1000; sizes are strings, as MDETR writes
    them."""
    images = [
        dict(
            file_name='1000.jpg',
            height='300',
            width='400',
            id=0,
            caption=CAPTION,
            dataset_name='flickr',
            tokens_negative=[[0, len(CAPTION)]],
            sentence_id=0,
            original_img_id=1000,
            tokens_positive_eval=[[[0, 5]], [[9, 18]], [[30, 38]]]),
        dict(
            file_name='1000.jpg',
            height='300',
            width='400',
            id=1,
            caption='The dogs run .',
            dataset_name='flickr',
            tokens_negative=[[0, 14]],
            sentence_id=1,
            original_img_id=1000,
            tokens_positive_eval=[[[0, 8]]]),
    ]
    anns = [
        dict(
            id=0,
            image_id=0,
            bbox=[10, 10, 50, 100],
            tokens_positive=[[0, 5]],
            category_id=1,
            iscrowd=0,
            area=5000),
        dict(
            id=1,
            image_id=0,
            bbox=[20, 10, 20, 10],
            tokens_positive=[[9, 18]],
            category_id=1,
            iscrowd=0,
            area=200),
        dict(
            id=2,
            image_id=0,
            bbox=[200, 200, 40, 30],
            tokens_positive=[[30, 38]],
            category_id=1,
            iscrowd=0,
            area=1200),
        dict(
            id=3,
            image_id=0,
            bbox=[300, 210, 40, 30],
            tokens_positive=[[30, 38]],
            category_id=1,
            iscrowd=0,
            area=1200),
        dict(
            id=4,
            image_id=1,
            bbox=[200, 200, 40, 30],
            tokens_positive=[[0, 8]],
            category_id=1,
            iscrowd=0,
            area=1200),
        dict(
            id=5,
            image_id=1,
            bbox=[300, 210, 40, 30],
            tokens_positive=[[0, 8]],
            category_id=1,
            iscrowd=0,
            area=1200),
    ]
    return dict(
        info=[],
        licenses=[],
        images=images,
        annotations=anns,
        categories=[dict(supercategory='object', id=1, name='object')])


def _dataset(tmp_path, content):
    (tmp_path / 'flickr30k').mkdir(exist_ok=True)
    (tmp_path / ANN_FILE).write_text(json.dumps(content))
    return Flickr30kDataset(
        data_root=str(tmp_path), ann_file=ANN_FILE, serialize_data=False)


def test_one_sample_per_phrase_with_all_boxes(tmp_path):
    dataset = _dataset(tmp_path, _mdetr_json())
    samples = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [s['text'] for s in samples
            ] == ['A man', 'a red hat', 'two dogs', 'The dogs']
    assert [s['sent_id'] for s in samples] == [0, 1, 2, 3]
    assert [s['ref_id'] for s in samples] == [0, 0, 0, 1]
    assert {s['img_id'] for s in samples} == {1000}
    dogs = samples[2]
    assert dogs['img_path'] == f'{tmp_path}/flickr30k-images/1000.jpg'
    assert (dogs['height'], dogs['width']) == (300, 400)
    assert dogs['dataset_name'] == 'flickr30k'
    assert not dogs['no_target']
    assert [inst['bbox']
            for inst in dogs['instances']] == [[200., 200., 240., 230.],
                                               [300., 210., 340., 240.]]
    assert len(samples[0]['instances']) == 1


def test_spans_from_boxes_without_eval_spans(tmp_path):
    content = _mdetr_json()
    for image in content['images']:
        del image['tokens_positive_eval']
    dataset = _dataset(tmp_path, content)
    assert [dataset[i]['text'] for i in range(len(dataset))
            ] == ['A man', 'a red hat', 'two dogs', 'The dogs']
    assert len(dataset.get_data_info(2)['instances']) == 2


def test_phrase_without_box_fails(tmp_path):
    content = _mdetr_json()
    content['images'][1]['tokens_positive_eval'].append([[9, 12]])
    with pytest.raises(ValueError, match=r'caption 1 phrase 1 .*no box'):
        _dataset(tmp_path, content)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='separateGT_val'):
        Flickr30kDataset(data_root=str(tmp_path), ann_file=ANN_FILE)
