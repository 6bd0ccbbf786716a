"""Smoke run of tools/analysis_tools/benchmark_law.py."""
from utils_cli import load_tool_module


def test_tiny_benchmark_reports_each_batch(capsys):
    module = load_tool_module('analysis_tools/benchmark_law.py')
    rows = module.main([
        '--tiny', '--warmup', '0', '--repeats', '1', '--threads', '1',
        '--batch-sizes', '1', '2'
    ])
    assert [row['batch'] for row in rows] == [1, 2]
    assert all(row['static'] > 0 and row['overhead'] > 0 for row in rows)
    assert 'overhead' in capsys.readouterr().out
