"""Every config under configs/ builds and runs one train and one test step
(on the small synthetic set, with its vocabulary)."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from mmvg.registry import DATASETS, MODELS
from utils_cli import ROOT

CONFIGS = sorted(
    osp.relpath(path, ROOT)
    for path in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                          recursive=True)
    if '_base_' not in path)


def point_at(cfg: Config, root) -> None:
    """Use the synthetic set and its vocabulary."""
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = f'{root}/'
    cfg.model.text_encoder.vocab_file = f'{root}/synthetic/vocab.txt'


def batch_of(dataset_cfg: dict, size: int = 2) -> dict:
    dataset = DATASETS.build(dataset_cfg)
    return pseudo_collate([dataset[i] for i in range(size)])


@pytest.mark.parametrize('config', CONFIGS)
def test_config_trains_and_tests_one_step(config, synthetic_root):
    cfg = Config.fromfile(osp.join(ROOT, config))
    point_at(cfg, synthetic_root)
    model = MODELS.build(cfg.model)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = [p.detach().clone() for p in model.parameters()]
    losses = model.train_step(batch_of(cfg.train_dataloader.dataset),
                              optim_wrapper)
    assert all(torch.isfinite(v) for v in losses.values())
    changed = [not torch.equal(b, p) for b, p in zip(before,
                                                     model.parameters())]
    assert any(changed)

    model.eval()
    outputs = model.test_step(batch_of(cfg.test_dataloader.dataset))
    assert all(len(out.pred_instances.bboxes) >= 1 for out in outputs)


def test_every_config_is_collected():
    assert 'configs/synthetic/transvg_tiny_synthetic.py' in CONFIGS
