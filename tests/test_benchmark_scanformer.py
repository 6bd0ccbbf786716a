"""benchmark_scanformer.py on the tiny configs with random weights: what it
scores, counts and times."""
import torch
from test_configs import point_at
from utils_cli import ROOT, fix_paired_medians, load_tool_module

from mmvg.registry import MODELS
from mmvg.utils.tool_config import load_config

SCAN = f'{ROOT}/configs/synthetic/scanformer_tiny_synthetic.py'
FULL = f'{ROOT}/configs/synthetic/scanformer_tiny_synthetic_full.py'
TRANSVG = f'{ROOT}/configs/synthetic/transvg_tiny_synthetic.py'


def _checkpoint(config, root, path, options):
    cfg = load_config(config, options)
    point_at(cfg, root)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict()), path)
    return str(path)


def _options(root, threshold):
    return {
        'val_dataloader.dataset.data_root': f'{root}/',
        'model.tokenizer.vocab_file': f'{root}/synthetic/vocab.txt',
        'model.backbone.selector.threshold': threshold,
    }


def _run(tool, root, tmp_path, threshold, *extra):
    options = _options(root, threshold)
    scan = _checkpoint(SCAN, root, tmp_path / 'scan.pth', options)
    full = _checkpoint(FULL, root, tmp_path / 'full.pth', options)
    overrides = [f'{k}={v}' for k, v in options.items()]
    argv = [
        SCAN, scan, '--full', FULL, full, '--max-samples', '6',
        '--eval-batch-size', '4', '--timed-samples', '2', '--batch-sizes', '1',
        '2', '--cfg-options', *overrides, '--full-cfg-options', *overrides,
        *extra
    ]
    return tool.main(argv)


def test_scores_every_scale_and_the_kept_share(synthetic_root, tmp_path,
                                               monkeypatch, capsys):
    tool = load_tool_module('analysis_tools/benchmark_scanformer.py')
    fix_paired_medians(monkeypatch, tool, [(0.2, 0.4, 0.1), (0.6, 0.8, 0.3)])
    results = _run(tool, synthetic_root, tmp_path, 0.0, '--exit-iou', '0.0')
    scan = results['models']['scan']
    assert results['samples'] == 6
    assert len(scan['per_scale']) == 3
    assert all(m['num_samples'] == 6 for m in scan['per_scale'])
    # the last scale's box is the prediction without early exit
    assert scan['per_scale'][2]['Acc@0.5'] == scan['final']['Acc@0.5']
    # threshold 0: every present patch is read at every scale
    assert scan['kept_share'] == [1.0, 1.0, 1.0]
    assert scan['exit_share'] == [0.0, 0.0, 1.0]
    assert results['models']['full']['kept_share'] == [1.0]
    # agreement >= 0 always holds: everyone exits after scale 1
    assert results['models']['scan, exit IoU 0.0']['exit_share'] == [
        0.0, 1.0, 0.0
    ]
    cost = results['cost']
    assert cost[1]['scan']['ms_per_batch'] == 100.0  # 0.2 s, 2 batches of 1
    assert cost[2]['full']['ms_per_batch'] == 800.0  # 0.8 s, 1 batch of 2
    # reading all 84 patches costs more than the 64 of the finest scale,
    # exiting before the finest scale less
    assert cost[1]['scan']['gflops_per_expression'] > \
        cost[1]['full']['gflops_per_expression'] > \
        cost[1]['scan, exit']['gflops_per_expression']
    out = capsys.readouterr().out
    assert 'batch 1 scan, exit:' in out and '0.500x time of full' in out


def test_dropping_patches_lowers_the_flops(synthetic_root, tmp_path,
                                           monkeypatch):
    tool = load_tool_module('analysis_tools/benchmark_scanformer.py')
    fix_paired_medians(monkeypatch, tool, [(1.0, 1.0)] * 2)
    results = _run(tool, synthetic_root, tmp_path, 1.0)
    scan = results['models']['scan']
    # threshold 1: nothing below the coarsest scale is read
    assert scan['kept_share'] == [1.0, 0.0, 0.0]
    ratio = results['cost'][1]['scan']['gflops_per_expression'] / \
        results['cost'][1]['full']['gflops_per_expression']
    assert ratio < 0.5


def test_a_grounder_that_does_not_scan_as_the_reference(
        synthetic_root, tmp_path, monkeypatch):
    tool = load_tool_module('analysis_tools/benchmark_scanformer.py')
    fix_paired_medians(monkeypatch, tool, [(1.0, 2.0)])
    options = _options(synthetic_root, 0.5)
    scan = _checkpoint(SCAN, synthetic_root, tmp_path / 'scan.pth', options)
    transvg_options = {
        'val_dataloader.dataset.data_root': f'{synthetic_root}/',
        'model.text_encoder.vocab_file':
        f'{synthetic_root}/synthetic/vocab.txt'
    }
    reference = _checkpoint(TRANSVG, synthetic_root, tmp_path / 'ref.pth',
                            transvg_options)
    results = tool.main([
        SCAN, scan, '--full', TRANSVG, reference, '--max-samples', '4',
        '--timed-samples', '2', '--batch-sizes', '2', '--cfg-options',
        *[f'{k}={v}' for k, v in options.items()], '--full-cfg-options',
        *[f'{k}={v}' for k, v in transvg_options.items()]
    ])
    full = results['models']['full']
    assert set(full) == {'final'} and full['final']['num_samples'] == 4
    assert results['cost'][2]['full']['ms_per_batch'] == 2000.0
