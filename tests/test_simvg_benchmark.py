"""tools/analysis_tools/benchmark_simvg.py computes its parameter counts and
TB/DB table from the models and the measured times (timer replaced by
fixed times)."""
from typing import List

from mmengine.config import Config
from torch import nn
from utils_cli import fix_paired_medians, load_tool_module

from mmvg.registry import MODELS
from mmvg.utils import register_all_modules

#: (TB, DB) seconds the fake timer reports for batch 1, then 2
TIMES = [(0.003, 0.012), (0.005, 0.016)]


def test_count_parameters_equals_a_hand_count():
    module = load_tool_module('analysis_tools/benchmark_simvg.py')
    model = nn.Module()
    model.backbone, model.bbox_head = nn.Linear(3, 4), nn.Linear(4, 2)
    counts = module.count_parameters(model)
    assert counts == dict(encoder=3 * 4 + 4, head=4 * 2 + 2, total=26)


def table_rows(out: str) -> List[List[str]]:
    """Cells of the printed TB/DB table's data rows."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if 'TB / DB' in line)
    return [line.split() for line in lines[start + 1:] if line.strip()]


def test_tiny_benchmark_reports_the_models_and_the_measurements(
        capsys, monkeypatch):
    module = load_tool_module('analysis_tools/benchmark_simvg.py')
    calls = fix_paired_medians(monkeypatch, module, TIMES)
    rows = module.main([
        '--tiny', '--warmup', '2', '--repeats', '5', '--threads', '1',
        '--batch-sizes', '1', '2'
    ])
    assert calls == [(2, 2, 5), (2, 2, 5)]
    assert rows == [
        dict(batch=1, tb=0.003, db=0.012, ratio=0.003 / 0.012),
        dict(batch=2, tb=0.005, db=0.016, ratio=0.005 / 0.016),
    ]
    out = capsys.readouterr().out
    assert table_rows(out) == [['1', '3.0', '12.0', '0.250'],
                               ['2', '5.0', '16.0', '0.312']]

    # the printed counts equal those of an independent build of the config
    register_all_modules()
    model = Config.fromfile(module.TINY).model
    encoder = sum(p.numel() for p in MODELS.build(model.backbone).parameters())
    head = sum(p.numel()
               for part in ('query_generator', 'decoder', 'bbox_head')
               for p in MODELS.build(model[part]).parameters())
    assert encoder > 0 and head > 0
    assert (f'simvg_tiny_synthetic.py: parameters encoder '
            f'{encoder / 1e6:.2f}M, head {head / 1e6:.2f}M, total '
            f'{(encoder + head) / 1e6:.2f}M') in out
    assert 'input 128x128, 20 tokens, median of 5 after 2 warm-up' in out
