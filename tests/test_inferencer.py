"""GroundingInferencer and demo/image_demo.py on a tiny random model."""
import glob
import json
import os.path as osp
import re
from typing import List, Tuple

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


def printed_boxes(out: str) -> List[Tuple[List[float], float]]:
    """``(box, score)`` of every ``box [x1, y1, x2, y2] score s`` line
    printed by demo/image_demo.py."""
    lines = re.findall(r'^box (\[.*\]) score (\S+)$', out, re.MULTILINE)
    return [(json.loads(box), float(score)) for box, score in lines]


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
    image = an_image(synthetic_root)
    text = 'the red circle'
    args = [image, text, config, checkpoint, '--out-file', out_file]
    out = run_tool(['python', 'demo/image_demo.py', *args])
    printed = printed_boxes(out)
    # the same checkpoint through the inferencer gives the printed boxes
    loaded = GroundingInferencer(config, checkpoint)
    pred = loaded(image, text)[0].pred_instances
    in_memory = inferencer(image, text)[0].pred_instances
    torch.testing.assert_close(pred.bboxes, in_memory.bboxes)
    assert len(printed) == len(pred) == 1
    for (box, score), ref_box, ref_score in zip(printed, pred.bboxes.tolist(),
                                                pred.scores.tolist()):
        assert box == pytest.approx(ref_box, abs=0.05 + 1e-6)  # 1 decimal
        assert score == pytest.approx(ref_score, abs=5e-4 + 1e-9)
    assert f'saved {out_file}' in out
    assert osp.exists(out_file)
