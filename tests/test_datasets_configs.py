"""The dataset base configs build their datasets from the original formats."""
import copy
import json
import os
import os.path as osp
import pickle

import cv2
import numpy as np
import pytest
from mmengine import Config
from mmengine.registry import DefaultScope

from mmvg.registry import DATASETS

CONFIG_DIR = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', '_base_',
    'datasets')
REFER_FILES = {
    # folder: {split file: its splits}; a folder's split files share images
    'refcoco': {
        'refs(unc).p': ('train', 'val', 'testA', 'testB')
    },
    'refcoco+': {
        'refs(unc).p': ('train', 'val', 'testA', 'testB')
    },
    'refcocog': {
        'refs(umd).p': ('train', 'val', 'test'),
        'refs(google).p': ('train', 'val')
    },
    'refclef': {
        'refs(berkeley).p': ('train', 'val', 'test')
    },
    'grefcoco': {
        'grefs(unc).json': ('train', 'val', 'testA', 'testB')
    },
}
# config: (dataset type, train/val/test split, evaluator)
EXPECTED = {
    'refcoco': ('RefCOCODataset', ('train', 'val', 'testA'), 'RECMetric'),
    'refcoco_plus': ('RefCOCODataset', ('train', 'val', 'testA'), 'RECMetric'),
    'refcocog_umd': ('RefCOCODataset', ('train', 'val', 'test'), 'RECMetric'),
    'refcocog_google':
    ('RefCOCODataset', ('train', 'val', 'val'), 'RECMetric'),
    'referitgame': ('RefCOCODataset', ('train', 'val', 'test'), 'RECMetric'),
    'grefcoco': ('GRefCOCODataset', ('train', 'val', 'testA'), 'GRECMetric'),
    'flickr30k': ('Flickr30kDataset', (None, None, None), 'RECMetric'),
}


def _refer_files(folder_path, split_files, first_image_id):
    """One image and annotation per split name; one two-sentence ref per
    split in every split file."""
    splits = list(
        dict.fromkeys(s for names in split_files.values() for s in names))
    image_of = {split: first_image_id + k for k, split in enumerate(splits)}
    images = [
        dict(
            id=i,
            height=40,
            width=60,
            file_name=f'COCO_train2014_{i:012d}.jpg')
        for i in image_of.values()
    ]
    anns = [
        dict(
            id=100 + i,
            image_id=i,
            bbox=[5, 5, 20, 10],
            category_id=1,
            iscrowd=0,
            segmentation=[[5, 5, 25, 5, 25, 15, 5, 15]])
        for i in image_of.values()
    ]
    with open(osp.join(folder_path, 'instances.json'), 'w') as f:
        json.dump(dict(images=images, annotations=anns, categories=[]), f)
    for name, names in split_files.items():
        refs = []
        for k, split in enumerate(names):
            ann_id = 100 + image_of[split]
            refs.append(
                dict(
                    ref_id=k,
                    image_id=image_of[split],
                    split=split,
                    ann_id=[ann_id] if name.endswith('.json') else ann_id,
                    sentences=[
                        dict(sent_id=2 * k + i, sent=f'{split} thing {i}')
                        for i in range(2)
                    ]))
        with open(osp.join(folder_path, name), 'wb') as f:
            if name.endswith('.p'):
                pickle.dump(refs, f, protocol=2)
            else:
                f.write(json.dumps(refs).encode())
    return images


def _mdetr_file(root, split):
    image = dict(
        id=0,
        file_name='1.jpg',
        height='40',
        width='60',
        caption='a dog runs',
        original_img_id=1,
        tokens_positive_eval=[[[0, 5]]])
    ann = dict(id=0, image_id=0, bbox=[1, 1, 10, 10], tokens_positive=[[0, 5]])
    with open(
            osp.join(root, 'mdetr_annotations',
                     f'final_flickr_separateGT_{split}.json'), 'w') as f:
        json.dump(dict(images=[image], annotations=[ann]), f)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    """A ``data/`` tree with every original format and COCO images."""
    root = str(tmp_path_factory.mktemp('data'))
    for folder in list(REFER_FILES) + ['mdetr_annotations', 'coco/train2014']:
        os.makedirs(osp.join(root, folder))
    for index, (folder, split_files) in enumerate(REFER_FILES.items()):
        images = _refer_files(
            osp.join(root, folder), split_files, 10 * index + 1)
        for image in images:
            cv2.imwrite(
                osp.join(root, 'coco/train2014', image['file_name']),
                np.full((40, 60, 3), 128, np.uint8))
    for split in ('train', 'val', 'test'):
        _mdetr_file(root, split)
    return root


def _build(dataset_cfg, root, keep_pipeline=False):
    cfg = copy.deepcopy(dataset_cfg)
    parts = cfg['datasets'] if cfg['type'] == 'ConcatDataset' else [cfg]
    for part in parts:
        part['data_root'] = root
        part['serialize_data'] = False  # skips mmengine's slow gc.collect
        if not keep_pipeline:
            part['pipeline'] = []
    with DefaultScope.overwrite_default_scope('mmvg'):
        return DATASETS.build(cfg)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_config_builds_every_split(name, data_root):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, f'{name}.py'))
    dataset_type, splits, metric = EXPECTED[name]
    assert cfg.test_evaluator.type == metric
    for loader, split in zip(('train', 'val', 'test'), splits):
        dataset_cfg = cfg[f'{loader}_dataloader'].dataset
        assert dataset_cfg.type == dataset_type
        assert dataset_cfg.get('split') == split
        assert dataset_cfg.data_root == 'data/'
        # two sentences per ref in the fixture; one phrase per Flickr file
        assert len(_build(dataset_cfg, data_root)) == (2 if split else 1)


def test_pipelines_follow_the_contract():
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'refcoco.py'))
    train = [step['type'] for step in cfg.train_pipeline]
    test = [step['type'] for step in cfg.test_pipeline]
    assert train == [
        'LoadGroundingImage', 'LoadAnnotations', 'Resize', 'Pad',
        'PackGroundingInputs'
    ]
    # test targets are loaded after Resize/Pad: original-image pixels
    assert test == [
        'LoadGroundingImage', 'Resize', 'Pad', 'LoadAnnotations',
        'PackGroundingInputs'
    ]


def test_refcoco_samples_through_the_pipeline(data_root):
    import mmvg.datasets.transforms  # noqa: F401 (registers the steps)
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'refcoco.py'))
    dataset = _build(
        cfg.test_dataloader.dataset, data_root, keep_pipeline=True)
    packed = dataset[0]
    sample = packed['data_samples']
    assert packed['inputs'].shape == (3, 640, 640)
    assert sample.text == 'testA thing 0'
    assert sample.ref_id == 2 and sample.dataset_name == 'refcoco'
    # test targets stay in original-image pixels
    np.testing.assert_allclose(sample.gt_instances.bboxes.numpy(),
                               [[5, 5, 25, 15]])


def test_mixed_pretraining_concatenates_sources(data_root):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'mixed_pretrain.py'))
    dataset = _build(cfg.train_dataloader.dataset, data_root)
    # 3 COCO sources + ReferItGame with 2 sentences each, Flickr30k with 1
    assert len(dataset) == 9
    names = [dataset[i]['dataset_name'] for i in range(len(dataset))]
    assert names == ['refcoco'] * 2 + ['refcoco+'] * 2 + [
        'refcocog_umd'
    ] * 2 + ['referitgame'] * 2 + ['flickr30k']
    assert dataset[8]['img_path'].endswith('flickr30k-images/1.jpg')
    assert dataset[6]['img_path'].endswith('saiapr_tc-12/'
                                           'COCO_train2014_000000000031.jpg')
