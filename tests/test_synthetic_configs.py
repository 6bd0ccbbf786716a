"""The synthetic controls and mixes differ from their bases only where they
say they do."""
import os.path as osp

import pytest
from mmengine.config import Config
from utils_cli import ROOT


def load(path: str) -> Config:
    return Config.fromfile(osp.join(ROOT, 'configs', path))


def test_text_blind_control_only_replaces_the_text():
    base = load('synthetic/transvg_tiny_synthetic.py')
    blind = load('synthetic/transvg_tiny_synthetic_textblind.py')
    assert blind.model == base.model
    assert blind.train_cfg == base.train_cfg
    assert blind.optim_wrapper == base.optim_wrapper
    for loader in ('train_dataloader', 'val_dataloader'):
        ours = blind[loader].dataset.pipeline
        theirs = base[loader].dataset.pipeline
        assert ours[:-2] + ours[-1:] == theirs, loader  # the flip stays
        assert ours[-2] == dict(type='ReplaceText', text='shape')


@pytest.mark.parametrize('mix,encoder,head', [
    ('transvg-fusion_simvg-head', 'transvg_tiny_synthetic',
     'simvg_tiny_synthetic'),
    ('vglaw-vit_simvg-head', 'vglaw_tiny_synthetic_rec',
     'simvg_tiny_synthetic'),
    ('beit3_vglaw-head', 'simvg_tiny_synthetic', 'vglaw_tiny_synthetic'),
])
def test_mix_is_one_encoder_under_another_head(mix, encoder, head):
    """The encoder of one tiny config, the head (with its query stage) of
    another, unchanged."""
    model = load(f'mix/{mix}_tiny_synthetic.py').model
    encoder_model = load(f'synthetic/{encoder}.py').model
    head_model = load(f'synthetic/{head}.py').model
    head_parts = ('query_generator', 'decoder', 'bbox_head')
    for part in head_parts:
        assert model.get(part) == head_model.get(part), part
    skip = {*head_parts, 'adapters', 'data_preprocessor'}
    assert {k: v for k, v in model.items() if k not in skip} == \
        {k: v for k, v in encoder_model.items() if k not in skip}
