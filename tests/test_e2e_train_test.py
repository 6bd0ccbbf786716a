"""End to end: tools/train.py, tools/test.py --out --show-dir, eval_metric."""
import glob
import json
import os.path as osp

import pytest
from conftest import TINY_CONFIG, synthetic_cfg_options
from utils_cli import json_log_records, logged_test_metrics, python_tool


@pytest.fixture(scope='module')
def trained(synthetic_root, tmp_path_factory):
    """One epoch of the tiny baseline on the small synthetic set."""
    work_dir = str(tmp_path_factory.mktemp('e2e'))
    python_tool('train.py', TINY_CONFIG, '--work-dir', work_dir,
                '--cfg-options', *synthetic_cfg_options(synthetic_root),
                'train_cfg.max_epochs=1', 'train_cfg.val_interval=1')
    return work_dir


def test_train_logs_losses_and_val_metrics(trained):
    records = json_log_records(trained)
    assert any('loss_cls' in r for r in records)
    val = [r for r in records if 'REC/Acc@0.5' in r]
    assert len(val) == 1
    assert 0.0 <= val[0]['REC/Acc@0.5'] <= 1.0
    assert osp.exists(osp.join(trained, 'epoch_1.pth'))


def test_test_dumps_draws_and_round_trips(trained, synthetic_root, tmp_path):
    options = synthetic_cfg_options(synthetic_root)
    test_dir = str(tmp_path / 'test')
    preds = str(tmp_path / 'preds.json')
    python_tool('test.py', TINY_CONFIG, osp.join(trained,
                                                 'epoch_1.pth'), '--work-dir',
                test_dir, '--out', preds, '--show-dir', 'vis', '--cfg-options',
                *options, 'default_hooks.visualization.interval=1')
    metrics = logged_test_metrics(test_dir)
    num_samples = metrics['REC/num_samples']
    with open(preds) as f:
        records = json.load(f)
    assert len(records) == num_samples
    assert len({(r['ref_id'], r['sent_id']) for r in records}) == num_samples
    assert all(len(r['bboxes']) == 1 for r in records)
    pictures = glob.glob(osp.join(test_dir, '*', 'vis', '*.jpg'))
    assert len(pictures) == num_samples

    scored = str(tmp_path / 'metrics.json')
    python_tool('analysis_tools/eval_metric.py', TINY_CONFIG, preds,
                '--json-out', scored, '--cfg-options', *options)
    with open(scored) as f:
        offline = json.load(f)
    for key, value in offline.items():
        assert metrics[key] == pytest.approx(value, abs=1e-6), key


def test_amp_training_on_cpu_uses_bfloat16_autocast(synthetic_root, tmp_path):
    work_dir = str(tmp_path / 'amp')
    python_tool('train.py', TINY_CONFIG, '--work-dir', work_dir, '--amp',
                '--cfg-options', *synthetic_cfg_options(synthetic_root),
                'train_cfg.max_epochs=1', 'train_cfg.val_interval=1')
    dumped = glob.glob(osp.join(work_dir, '*', 'vis_data', 'config.py'))
    assert dumped
    with open(dumped[0]) as f:
        text = f.read()
    assert "type='AutocastOptimWrapper'" in text and 'bfloat16' in text
    losses = [r['loss'] for r in json_log_records(work_dir) if 'loss' in r]
    assert losses and all(loss == loss for loss in losses)  # no NaN


def test_auto_scale_lr_scales_by_total_batch(synthetic_root, tmp_path,
                                             trained):
    """Batch 4 against base_batch_size 64: every lr is 1/16 of the
    unscaled run's (the `trained` fixture, same config and seed)."""
    work_dir = str(tmp_path / 'scaled')
    python_tool('train.py', TINY_CONFIG, '--work-dir', work_dir,
                '--auto-scale-lr', '--cfg-options',
                *synthetic_cfg_options(synthetic_root),
                'train_cfg.max_epochs=1', 'train_cfg.val_interval=1')
    plain = {
        r['iter']: r['lr']
        for r in json_log_records(trained) if 'lr' in r
    }
    scaled = {
        r['iter']: r['lr']
        for r in json_log_records(work_dir) if 'lr' in r
    }
    assert plain and plain.keys() == scaled.keys()
    for i in plain:
        assert scaled[i] == pytest.approx(plain[i] * 4 / 64, rel=1e-6)
