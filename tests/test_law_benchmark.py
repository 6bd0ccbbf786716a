"""Smoke run of tools/analysis_tools/benchmark_law.py."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / 'tools/analysis_tools/benchmark_law.py'


def test_tiny_benchmark_reports_each_batch(capsys):
    spec = importlib.util.spec_from_file_location('benchmark_law', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.main([
        '--tiny', '--warmup', '0', '--repeats', '1', '--threads', '1',
        '--batch-sizes', '1', '2'
    ])
    assert [row['batch'] for row in rows] == [1, 2]
    assert all(row['static'] > 0 and row['overhead'] > 0 for row in rows)
    assert 'overhead' in capsys.readouterr().out
