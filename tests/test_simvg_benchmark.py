"""Smoke run of tools/analysis_tools/benchmark_simvg.py."""
from utils_cli import load_tool_module


def test_tiny_benchmark_reports_each_batch_and_the_parameters(capsys):
    module = load_tool_module('analysis_tools/benchmark_simvg.py')
    rows = module.main([
        '--tiny', '--warmup', '0', '--repeats', '1', '--threads', '1',
        '--batch-sizes', '1', '2'
    ])
    assert [row['batch'] for row in rows] == [1, 2]
    assert all(row['tb'] > 0 and row['db'] > 0 for row in rows)
    out = capsys.readouterr().out
    assert 'simvg_tiny_synthetic.py: parameters encoder' in out
    assert 'TB / DB' in out
