"""Resume on torch >= 2.6: a resumed run continues exactly like an
uninterrupted one (same seed, CPU, deterministic)."""
import os.path as osp

import pytest
from conftest import TINY_CONFIG, synthetic_cfg_options
from utils_cli import ROOT, json_log_records, python_tool

# Schedulers take ``end`` from max_epochs when it is not given, and a resumed
# run keeps the checkpoint's: fix it so the stopped run (max_epochs=2) has
# the same schedule as the full one (max_epochs=4).
CONFIG = f"""_base_ = '{osp.join(ROOT, TINY_CONFIG)}'
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=4, milestones=[3])
]
"""
# dropout on, so that restoring the RNG state matters
RUN = [
    'train_cfg.val_interval=100',
    'default_hooks.checkpoint.interval=1',
    'model.fusion.dropout=0.1',
    'randomness.deterministic=True',
]


def train_losses(work_dir: str) -> dict:
    """{iteration: loss} from the json logs of ``work_dir``."""
    return {
        r['iter']: r['loss']
        for r in json_log_records(work_dir) if 'loss' in r
    }


def test_resumed_losses_match_uninterrupted_run(synthetic_root, tmp_path):
    options = synthetic_cfg_options(synthetic_root) + RUN
    config = tmp_path / 'resume_config.py'
    config.write_text(CONFIG)
    config = str(config)
    full, part = str(tmp_path / 'full'), str(tmp_path / 'part')
    python_tool('train.py', config, '--work-dir', full, '--cfg-options',
                *options, 'train_cfg.max_epochs=4')
    python_tool('train.py', config, '--work-dir', part, '--cfg-options',
                *options, 'train_cfg.max_epochs=2')
    out = python_tool('train.py', config, '--work-dir', part, '--resume',
                      '--cfg-options', *options, 'train_cfg.max_epochs=4')
    assert 'resumed epoch: 2' in out
    assert osp.exists(osp.join(part, 'epoch_4.pth'))

    expected, resumed = train_losses(full), train_losses(part)
    after = sorted(i for i in expected
                   if i > max(i for i in resumed if i <= len(expected) // 2))
    assert after, 'no iterations after the resume point'
    for i in after:
        assert resumed[i] == pytest.approx(expected[i], rel=1e-6), i
