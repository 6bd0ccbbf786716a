"""mmvg.utils.synthetic_batch: the test pipeline's input size, and random
samples packed with the metainfo the heads read."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from utils_cli import ROOT

from mmvg.utils.synthetic_batch import (EXPRESSION, pipeline_input_size,
                                        synthetic_batch)


@pytest.mark.parametrize('config, size', [
    ('configs/synthetic/transvg_tiny_synthetic.py', (128, 128)),
    ('configs/simvg/simvg_vit-b32_1x_refcoco.py', (640, 640)),
    ('configs/vglaw/vglaw_vitb_448_90e_refcoco.py', (448, 448)),
])
def test_input_size_of_configs(config, size):
    assert pipeline_input_size(Config.fromfile(osp.join(ROOT, config))) == size


def test_input_size_reads_width_height_and_the_last_resize():

    def config(scale) -> Config:
        pipeline = [
            dict(type='Resize', scale=(800, 600)),
            dict(type='mmdet.Resize', scale=scale, keep_ratio=True),
            dict(type='PackGroundingInputs')
        ]
        return Config(
            dict(test_dataloader=dict(dataset=dict(pipeline=pipeline))))

    assert pipeline_input_size(config((320, 240))) == (240, 320)
    assert pipeline_input_size(config(224)) == (224, 224)
    with pytest.raises(ValueError, match=r'no Resize .* \(--size H W\)'):
        pipeline_input_size(Config(dict(model=dict())))


def test_batch_samples_carry_the_expression_and_shapes():
    data = synthetic_batch(3, (32, 48), torch.device('cpu'))
    assert [img.shape for img in data['inputs']] == [(3, 32, 48)] * 3
    assert all(img.dtype == torch.uint8 for img in data['inputs'])
    # different images, the same batch at every call
    assert not torch.equal(data['inputs'][0], data['inputs'][1])
    again = synthetic_batch(3, (32, 48), torch.device('cpu'))
    assert all(map(torch.equal, data['inputs'], again['inputs']))
    for sample in data['data_samples']:
        assert sample.text == EXPRESSION
        assert sample.metainfo == dict(
            img_shape=(32, 48),
            ori_shape=(32, 48),
            batch_input_shape=(32, 48),
            scale_factor=(1., 1.))


@pytest.mark.parametrize('batch_size, size, match', [
    (0, (8, 8), 'batch size must be >= 1, got 0'),
    (1, (0, 8), r'input size must be positive, got \(0, 8\)'),
])
def test_batch_refuses_bad_sizes(batch_size, size, match):
    with pytest.raises(ValueError, match=match):
        synthetic_batch(batch_size, size, torch.device('cpu'))
