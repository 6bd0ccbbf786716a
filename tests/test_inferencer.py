"""GroundingInferencer and demo/image_demo.py on a tiny random model."""
import glob
import os.path as osp

import mmcv
import pytest
import torch
from conftest import TINY_CONFIG
from mmengine.config import Config
from mmengine.runner import save_checkpoint
from utils_cli import ROOT, run_tool

from mmvg.apis import GroundingInferencer


@pytest.fixture
def tiny_cfg(synthetic_root):
    cfg = Config.fromfile(osp.join(ROOT, TINY_CONFIG))
    cfg.model.text_encoder.vocab_file = f'{synthetic_root}/synthetic/vocab.txt'
    return cfg


def an_image(root) -> str:
    return sorted(glob.glob(f'{root}/images/*.png'))[0]


def test_paths_and_arrays_give_the_same_boxes(tiny_cfg, synthetic_root):
    torch.manual_seed(0)
    inferencer = GroundingInferencer(tiny_cfg)
    path = an_image(synthetic_root)
    texts = ['the red circle', 'the shape on the left']
    from_path = inferencer(path, texts)
    from_array = inferencer([mmcv.imread(path)] * 2, texts)
    height, width = mmcv.imread(path).shape[:2]
    for a, b in zip(from_path, from_array):
        torch.testing.assert_close(a.pred_instances.bboxes,
                                   b.pred_instances.bboxes)
        assert a.ori_shape == (height, width)
        boxes = a.pred_instances.bboxes
        assert (boxes[:, 0::2] <= width).all() and (boxes >= 0).all()
    with pytest.raises(ValueError, match='2 images but 3 expressions'):
        inferencer([path, path], ['a', 'b', 'c'])


def test_image_demo_saves_a_picture(tiny_cfg, synthetic_root, tmp_path):
    config = str(tmp_path / 'tiny.py')
    tiny_cfg.dump(config)
    inferencer = GroundingInferencer(tiny_cfg)
    checkpoint = str(tmp_path / 'tiny.pth')
    save_checkpoint({'state_dict': inferencer.model.state_dict()}, checkpoint)
    out_file = str(tmp_path / 'result.jpg')
    out = run_tool([
        'python', 'demo/image_demo.py',
        an_image(synthetic_root), 'the red circle', config, checkpoint,
        '--out-file', out_file
    ])
    assert 'box [' in out and osp.exists(out_file)
