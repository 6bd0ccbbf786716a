"""tools/analysis_tools/benchmark_law.py computes its table from the
measured times, FLOPs and parameters (timer replaced by fixed times)."""
from typing import List

import torch
from utils_cli import fix_paired_medians, load_tool_module

from mmvg.models.backbones.vit import LanguageAdaptiveViT, VisionTransformer
from mmvg.utils.benchmark import gflops

#: (static, adaptive) seconds the fake timer reports for batch 1, then 2
TIMES = [(0.004, 0.005), (0.010, 0.013)]


def table_rows(out: str) -> List[List[str]]:
    """Cells of the printed table's data rows (after the header line)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if 'overhead' in line)
    return [line.split() for line in lines[start + 1:] if line.strip()]


def test_tiny_benchmark_table_comes_from_the_measurements(capsys, monkeypatch):
    module = load_tool_module('analysis_tools/benchmark_law.py')
    calls = fix_paired_medians(monkeypatch, module, TIMES)
    rows = module.main([
        '--tiny', '--warmup', '3', '--repeats', '7', '--threads', '1',
        '--batch-sizes', '1', '2'
    ])
    assert calls == [(2, 3, 7), (2, 3, 7)]
    assert [row['batch'] for row in rows] == [1, 2]
    for row, (t_static, t_law) in zip(rows, TIMES):
        assert (row['static'], row['adaptive']) == (t_static, t_law)
        assert row['overhead'] == t_law / t_static

    # FLOPs: an independently built static ViT counted the same way
    static = VisionTransformer(**module.TINY).eval()
    with torch.no_grad():
        for row in rows:
            img = torch.randn(row['batch'], 3, 64, 64)
            assert row['static_gflops'] == gflops(lambda: static(img))
    assert rows[1]['static_gflops'] == 2 * rows[0]['static_gflops']
    assert rows[1]['adaptive_gflops'] == 2 * rows[0]['adaptive_gflops']
    assert rows[0]['adaptive_gflops'] > rows[0]['static_gflops']

    out = capsys.readouterr().out
    law = LanguageAdaptiveViT(lang_dims=64, num_groups=4, **module.TINY).law
    extra = sum(p.numel() for p in law.parameters())
    assert f'generator parameters {extra / 1e6:.2f}M' in out
    assert 'median of 7 after 3 warm-up runs' in out
    expected_ms = [['4.0', '5.0', '1.250x'], ['10.0', '13.0', '1.300x']]
    for cells, row, ms in zip(table_rows(out), rows, expected_ms):
        flops = [
            f'{row["static_gflops"]:.4g}', f'{row["adaptive_gflops"]:.4g}'
        ]
        assert cells == [str(row['batch']), *flops, *ms]
    assert len(table_rows(out)) == 2
