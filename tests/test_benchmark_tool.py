"""tools/analysis_tools/benchmark.py on tiny synthetic configs: parameters
and FLOPs equal those of an independent build, FLOPs double with the batch,
SimVG's token branch costs less than its decoder branch, the rates follow
from the latency, and the table and the JSON show what was measured."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from torch.utils.flop_counter import FlopCounterMode
from utils_cli import ROOT, load_tool_module

from mmvg.registry import MODELS
from mmvg.utils.synthetic_batch import EXPRESSION, synthetic_batch

TRANSVG = 'configs/synthetic/transvg_tiny_synthetic.py'
SIMVG = 'configs/synthetic/simvg_tiny_synthetic.py'
QUICK = ['--warmup', '0', '--repeat', '2', '--threads', '1']


def benchmark(config: str, *args: str) -> dict:
    tool = load_tool_module('analysis_tools/benchmark.py')
    return tool.main([osp.join(ROOT, config), *QUICK, *args])


def independent_counts(config: str, options: dict, batch_size: int) -> tuple:
    """Parameters and FLOPs of ``model.test_step`` on the synthetic batch,
    counted here without the tool."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.merge_from_dict(options)
    model = MODELS.build(cfg.model).eval()
    data = synthetic_batch(batch_size, (128, 128), torch.device('cpu'))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model.test_step(data)
    return (sum(p.numel()
                for p in model.parameters()), counter.get_total_flops())


def test_transvg_report_equals_independent_counts(synthetic_root, tmp_path,
                                                  capsys):
    vocab = f'model.text_encoder.vocab_file={synthetic_root}/synthetic/' \
        'vocab.txt'
    out = tmp_path / 'report.json'
    one = benchmark(TRANSVG, '--cfg-options', vocab)
    two = benchmark(TRANSVG, '--batch-size', '2', '--out', str(out),
                    '--cfg-options', vocab)
    params, flops = independent_counts(
        TRANSVG, {'model.text_encoder.vocab_file': vocab.split('=')[1]}, 1)
    assert one['parameters'] == two['parameters'] == params
    assert one['gflops'] == flops / 1e9
    assert two['gflops'] == 2 * one['gflops']
    for report, batch in ((one, 1), (two, 2)):
        assert report['stand_ins'] == []
        assert (report['batch_size'], report['input_size']) == (batch,
                                                                [128, 128])
        assert report['expression'] == EXPRESSION
        assert 0 < report['latency_ms'] <= report['latency_p90_ms']
        assert report['expressions_per_s'] == pytest.approx(
            batch / report['latency_ms'] * 1e3)
        assert report['gflops_per_s'] == pytest.approx(
            report['gflops'] / report['latency_ms'] * 1e3)
        assert report['peak_memory_mib'] > 0
    with open(out) as f:
        assert json.load(f) == two
    printed = capsys.readouterr().out.splitlines()
    assert f'parameters   {params / 1e6:.2f}M' in printed
    assert (f'latency      median {two["latency_ms"]:.1f} ms, p90 '
            f'{two["latency_p90_ms"]:.1f} ms (2 timed rounds after 0 warm-up)'
            ) in printed
    assert f'batch        2 x 128x128, "{EXPRESSION}"' in printed


def test_simvg_runs_without_its_sentencepiece_file(tmp_path, spm_path, capsys):
    """The stand-in tokenizer feeds the model as a real one does (same
    counts as with a sentencepiece file); the token branch alone (``tb``)
    skips the decoder that ``db`` runs."""
    absent = tmp_path / 'absent.model'
    reports = {
        branch:
        benchmark(SIMVG, '--cfg-options', f'model.tokenizer.spm_path={absent}',
                  f'model.bbox_head.test_branch={branch}')
        for branch in ('tb', 'db')
    }
    note = (f'model.tokenizer: {absent} not found: a sentencepiece model of '
            'the synthetic vocabulary')
    assert reports['tb']['stand_ins'] == reports['db']['stand_ins'] == [note]
    assert f'stand-in     {note}' in capsys.readouterr().out.splitlines()
    assert 0 < reports['tb']['gflops'] < reports['db']['gflops']
    params, flops = independent_counts(SIMVG, {
        'model.tokenizer.spm_path': spm_path,
        'model.bbox_head.test_branch': 'db'
    }, 1)
    assert reports['tb']['parameters'] == reports['db']['parameters'] == \
        params
    assert reports['db']['gflops'] == flops / 1e9


def test_bad_batch_size_is_named(synthetic_root):
    with pytest.raises(ValueError, match='batch size must be >= 1, got 0'):
        benchmark(
            TRANSVG, '--batch-size', '0', '--cfg-options',
            f'model.text_encoder.vocab_file={synthetic_root}/synthetic/'
            'vocab.txt')
