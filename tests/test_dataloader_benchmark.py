"""tools/analysis_tools/benchmark_dataloader.py on the synthetic fixture:
it times the asked number of full batches per worker count, and names a
request the split cannot fill."""
import os.path as osp

import pytest
from utils_cli import ROOT, load_tool_module

from mmvg.registry import DATASETS
from mmvg.utils.dataloader_benchmark import loader_rate
from mmvg.utils.tool_config import load_config

CONFIG = osp.join(ROOT, 'configs/synthetic/transvg_tiny_synthetic.py')


def options(root, batch_size: int) -> list:
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={root}/',
        f'train_dataloader.batch_size={batch_size}'
    ]


def test_rates_per_worker_count(synthetic_root, capsys):
    tool = load_tool_module('analysis_tools/benchmark_dataloader.py')
    rates = tool.main([
        CONFIG, '--num-workers', '0', '1', '--batches', '3',
        *options(synthetic_root, 4)
    ])
    assert [rate.num_workers for rate in rates] == [0, 1]
    for rate in rates:
        assert (rate.batches, rate.samples) == (3, 3 * 4)
        assert rate.seconds > 0
        assert rate.samples_per_s == rate.samples / rate.seconds
    lines = capsys.readouterr().out.splitlines()
    assert ('batch size 4, 3 timed batches after 1 untimed, main process '
            'torch threads: 1') in lines[0]
    assert [line.split()[:2] for line in lines[2:]] == [['0', '12'],
                                                        ['1', '12']]


def test_more_batches_than_the_split_holds_are_named(synthetic_root):
    cfg = load_config(CONFIG).train_dataloader
    cfg.dataset.data_root = f'{synthetic_root}/'
    cfg.batch_size = 64
    num_batches = -(-len(DATASETS.build(cfg.dataset)) // 64)
    with pytest.raises(
            ValueError,
            match=f'gives only {num_batches} batches: ask for at most '
            f'{num_batches - 1} timed'):
        loader_rate(cfg, 0, num_batches)
    with pytest.raises(ValueError, match='num_workers -1 and batches 1'):
        loader_rate(cfg, -1, 1)
