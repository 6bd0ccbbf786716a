"""tools/dist_train.sh / dist_test.sh run 2 CPU processes (gloo); every val
sample is evaluated exactly once and 2-process metrics equal 1-process."""
import os.path as osp

import pytest
from conftest import TINY_CONFIG, synthetic_cfg_options
from mmengine.config import Config
from utils_cli import (ROOT, assert_same_metric, free_port, json_log_records,
                       logged_test_metrics, python_tool, run_tool)

from mmvg.registry import DATASETS


@pytest.fixture(scope='module')
def dist_trained(synthetic_root, tmp_path_factory):
    """One epoch of 2-process CPU training; returns (work_dir, output)."""
    work_dir = str(tmp_path_factory.mktemp('dist'))
    out = run_tool([
        'bash', 'tools/dist_train.sh', TINY_CONFIG, '2', '--work-dir',
        work_dir, '--cfg-options',
        *synthetic_cfg_options(synthetic_root, batch_size=3),
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1'
    ],
                   env=dict(PORT=str(free_port())))
    return work_dir, out


def test_two_process_training_evaluates_each_sample_once(
        dist_trained, synthetic_root):
    val_cfg = Config.fromfile(f'{ROOT}/{TINY_CONFIG}').val_dataloader.dataset
    val_cfg.data_root = f'{synthetic_root}/'
    num_val = len(DATASETS.build(val_cfg))
    assert num_val % 2 == 1, 'use an odd val size so the sampler pads'

    work_dir, out = dist_trained
    assert 'Distributed training: True' in out
    assert 'GPU number: 2' in out  # mmengine's name for the world size
    val = [r for r in json_log_records(work_dir) if 'REC/num_samples' in r]
    assert len(val) == 1
    assert val[0]['REC/num_samples'] == num_val


def test_two_process_test_equals_one_process(dist_trained, synthetic_root,
                                             tmp_path):
    checkpoint = osp.join(dist_trained[0], 'epoch_1.pth')
    options = synthetic_cfg_options(synthetic_root, batch_size=3)
    single, double = str(tmp_path / 'single'), str(tmp_path / 'double')
    python_tool('test.py', TINY_CONFIG, checkpoint, '--work-dir', single,
                '--cfg-options', *options)
    run_tool([
        'bash', 'tools/dist_test.sh', TINY_CONFIG, checkpoint, '2',
        '--work-dir', double, '--cfg-options', *options
    ],
             env=dict(PORT=str(free_port())))
    one, two = logged_test_metrics(single), logged_test_metrics(double)
    metrics = {k: v for k, v in one.items() if k.startswith('REC/')}
    assert metrics and metrics.keys() <= two.keys()
    for key, value in metrics.items():
        assert_same_metric(key, two[key], value)
