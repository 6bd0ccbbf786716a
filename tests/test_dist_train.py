"""tools/dist_train.sh runs 2 CPU processes (gloo) and evaluates every val
sample exactly once."""
import socket

from mmengine.config import Config

from conftest import TINY_CONFIG, synthetic_cfg_options
from mmvg.registry import DATASETS
from utils_cli import ROOT, json_log_records, run_tool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_two_process_cpu_training(synthetic_root, tmp_path):
    options = synthetic_cfg_options(synthetic_root, batch_size=3)
    val_cfg = Config.fromfile(f'{ROOT}/{TINY_CONFIG}').val_dataloader.dataset
    val_cfg.data_root = f'{synthetic_root}/'
    num_val = len(DATASETS.build(val_cfg))
    assert num_val % 2 == 1, 'use an odd val size so the sampler pads'

    work_dir = str(tmp_path / 'dist')
    out = run_tool(['bash', 'tools/dist_train.sh', TINY_CONFIG, '2',
                    '--work-dir', work_dir, '--cfg-options', *options,
                    'train_cfg.max_epochs=1', 'train_cfg.val_interval=1'],
                   env=dict(PORT=str(free_port())))
    assert 'Distributed training: True' in out
    assert 'GPU number: 2' in out  # mmengine's name for the world size
    records = json_log_records(work_dir)
    val = [r for r in records if 'REC/num_samples' in r]
    assert len(val) == 1
    assert val[0]['REC/num_samples'] == num_val
