"""docs/new_modules.md: the worked example head runs as written, under two
encoders, and the contract checks what it is given."""
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config
from test_configs import batch_of, point_at
from utils_cli import ROOT

from mmvg.models.utils import center_cells
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

DOC = osp.join(ROOT, 'docs', 'new_modules.md')


def doc_blocks() -> list:
    with open(DOC) as f:
        return re.findall(r'```python\n(.*?)```', f.read(), re.S)


@pytest.fixture(scope='module')
def my_head_cls():
    """The doc's head, executed as written (registered as ``MyHead``)."""
    namespace = {}
    exec(compile(doc_blocks()[0], DOC, 'exec'), namespace)
    yield namespace['MyHead']
    MODELS.module_dict.pop('MyHead')


def doc_config(tmp_path) -> Config:
    """The doc's config snippet, its ``_base_`` made absolute."""
    text = next(block for block in doc_blocks() if '_base_' in block)
    text = text.replace('../synthetic/',
                        osp.join(ROOT, 'configs', 'synthetic') + '/')
    path = tmp_path / 'my_head_config.py'
    path.write_text(text)
    return Config.fromfile(str(path))


def simvg_config() -> Config:
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/synthetic/simvg_tiny_synthetic.py'))
    width = cfg.model.bbox_head.in_channels
    cfg.model.bbox_head = dict(
        type='MyHead', in_channels=width, text_channels=width)
    return cfg


@pytest.mark.parametrize('encoder', ['TransVG', 'SimVG'])
def test_doc_head_trains_and_predicts_under_an_encoder(encoder, my_head_cls,
                                                       synthetic_root,
                                                       tmp_path):
    cfg = doc_config(tmp_path) if encoder == 'TransVG' else simvg_config()
    point_at(cfg, synthetic_root)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == encoder
    assert isinstance(model.bbox_head, my_head_cls)
    data = model.data_preprocessor(
        batch_of(cfg.train_dataloader.dataset), True)
    model.eval()  # no dropout: the two forward passes below must agree
    feats = model.extract_feat(data['inputs'], data['data_samples'])
    logits, boxes = model.bbox_head(feats)
    # the head's loss is the cross-entropy on the target centre's cell
    target = model.bbox_head.gt_targets(data['data_samples'], boxes)
    index = center_cells(target, feats.visual_hw)
    losses = model.loss(**data)
    assert set(losses) == {'loss_cls', 'loss_bbox', 'loss_iou'}
    torch.testing.assert_close(
        losses['loss_cls'], torch.nn.functional.cross_entropy(logits, index))
    assert logits[feats.visual_mask].eq(float('-inf')).all()
    sum(losses.values()).backward()
    # the encoder learns through the head
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.backbone.parameters())

    data = model.data_preprocessor(batch_of(cfg.test_dataloader.dataset))
    with torch.no_grad():
        logits, _ = model.bbox_head(
            model.extract_feat(data['inputs'], data['data_samples']))
        results = model.predict(**data)
    for result, row in zip(results, logits.softmax(-1)):
        pred = result.pred_instances
        height, width = result.ori_shape
        assert pred.bboxes.shape == (1, 4)
        torch.testing.assert_close(pred.scores, row.max()[None])
        assert (pred.bboxes[:, 0::2] <= width).all()
        assert (pred.bboxes[:, 1::2] <= height).all()


def test_doc_head_names_the_field_an_encoder_lacks(my_head_cls):
    feats = GroundingFeatures(
        visual=torch.randn(2, 6, 8),
        visual_hw=(2, 3),
        visual_mask=torch.zeros(2, 6, dtype=torch.bool),
        input_hw=(64, 96))
    with pytest.raises(
            ValueError, match=r'MyHead needs GroundingFeatures'
            r'\.text'):
        my_head_cls(in_channels=8, text_channels=8)(feats)
