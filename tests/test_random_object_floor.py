"""random_object_floor.py: with non-overlapping objects, a random pick hits
the target with probability 1 / (objects in the image)."""
import re

import numpy as np
from conftest import TINY_CONFIG
from mmengine.config import Config
from pycocotools.coco import COCO
from utils_cli import ROOT, python_tool

from mmvg.registry import DATASETS


def test_floor_is_the_mean_inverse_object_count(synthetic_root):
    out = python_tool('analysis_tools/random_object_floor.py', TINY_CONFIG,
                      '--cfg-options',
                      f'test_dataloader.dataset.data_root={synthetic_root}/')
    printed = float(re.search(r'Acc@0.5/all: ([0-9.]+)', out).group(1))

    dataset_cfg = Config.fromfile(f'{ROOT}/{TINY_CONFIG}').test_dataloader
    dataset_cfg.dataset.data_root = f'{synthetic_root}/'
    dataset = DATASETS.build(dataset_cfg.dataset)
    coco = COCO(dataset.ann_file)
    expected = np.mean([
        1 / len(coco.getAnnIds(imgIds=dataset.get_data_info(i)['img_id']))
        for i in range(len(dataset))
    ])
    assert printed == round(expected, 4)
    assert 'Acc@0.5/spatial' in out
