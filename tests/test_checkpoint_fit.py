"""Checkpoints must fit the model: tools/test.py, the inferencer and
CheckpointFitHook refuse missing or unexpected keys unless relaxed."""
import os.path as osp
import sys

import pytest
import torch
from conftest import TINY_CONFIG, synthetic_cfg_options
from mmengine.config import Config
from mmengine.runner import save_checkpoint
from torch import nn
from utils_cli import ROOT, run_tool_status
from utils_runner import toy_runner

from mmvg.apis import GroundingInferencer
from mmvg.engine import CheckpointFitHook
from mmvg.utils import checkpoint_fit
from mmvg.utils.checkpoint_fit import (CheckpointMismatchError,
                                       checkpoint_origin, compare_state_dict,
                                       load_fitting_checkpoint,
                                       unwrap_state_dict)

META = dict(
    experiment_name='transvg_tiny_synthetic_20250101_000000',
    cfg="model = dict(type='TransVG', backbone=dict(type='ResNet'))\n")


class Layers(nn.Module):

    def __init__(self, num: int = 3) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(2, 2) for _ in range(num))


@pytest.fixture
def warnings_logged(monkeypatch) -> list:
    logged = []
    monkeypatch.setattr(checkpoint_fit, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    return logged


def test_compare_finds_missing_unexpected_and_reshaped_keys():
    model = Layers()
    state = unwrap_state_dict({
        'state_dict': {
            f'module.{k}': v
            for k, v in model.state_dict().items()
        }
    })
    assert not compare_state_dict(model, state)
    del state['layers.0.bias']
    state['teacher.weight'] = torch.zeros(1)
    state['layers.1.weight'] = torch.zeros(3, 2)
    mismatch = compare_state_dict(model, state)
    assert mismatch.missing == ['layers.0.bias']
    assert mismatch.unexpected == ['teacher.weight']
    assert mismatch.reshaped == ['layers.1.weight (3, 2) (model (2, 2))']
    assert not compare_state_dict(model, state, [r'^layers\.0\.']).missing


def test_report_names_the_first_keys_the_count_and_the_origin():
    model = Layers(num=12)
    message = compare_state_dict(model, {}).describe('ckpt.pth', META)
    assert '24 missing keys: layers.0.weight, layers.0.bias' in message
    assert 'layers.4.bias, ...' in message and 'layers.5.' not in message
    assert ('experiment transvg_tiny_synthetic_20250101_000000, model type '
            'TransVG') in message


def test_the_saved_config_is_parsed_not_run(tmp_path):
    marker = tmp_path / 'marker'
    marker.write_text('')
    cfg = f"import os\nos.remove('{marker}')\nmodel = dict(type='SimVG')\n"
    assert checkpoint_origin(dict(cfg=cfg)) == 'model type SimVG'
    assert marker.exists()
    assert 'unknown config' in checkpoint_origin(None)


def test_strict_load_raises_and_relaxed_load_warns(tmp_path, warnings_logged):
    path = str(tmp_path / 'part.pth')
    state = Layers().state_dict()
    save_checkpoint(
        dict(meta=META, state_dict={k: state[k]
                                    for k in list(state)[:2]}), path)
    with pytest.raises(CheckpointMismatchError, match='4 missing keys'):
        load_fitting_checkpoint(Layers(), path)
    model = Layers()
    load_fitting_checkpoint(model, path, strict=False)
    assert torch.equal(model.layers[0].weight, state['layers.0.weight'])
    assert len(warnings_logged) == 1 and 'not strict' in warnings_logged[0]
    load_fitting_checkpoint(Layers(), path, allow_missing=[r'layers\.[12]'])


@pytest.fixture
def tiny(synthetic_root, tmp_path):
    """(config path, a checkpoint of half the tiny model's parameters)."""
    cfg = Config.fromfile(osp.join(ROOT, TINY_CONFIG))
    cfg.model.text_encoder.vocab_file = f'{synthetic_root}/synthetic/vocab.txt'
    config = str(tmp_path / 'tiny.py')
    cfg.dump(config)
    state = GroundingInferencer(cfg).model.state_dict()
    half = dict(list(state.items())[:len(state) // 2])
    checkpoint = str(tmp_path / 'half.pth')
    save_checkpoint(dict(meta=META, state_dict=half), checkpoint)
    return config, checkpoint


def test_inferencer_is_strict_unless_told(tiny, warnings_logged):
    config, checkpoint = tiny
    with pytest.raises(CheckpointMismatchError, match=r'\d+ missing keys'):
        GroundingInferencer(config, checkpoint)
    GroundingInferencer(config, checkpoint, strict=False)
    assert 'not strict' in warnings_logged[0]
    cfg = Config.fromfile(config)
    cfg.checkpoint_allow_missing = ['.']
    GroundingInferencer(cfg, checkpoint)  # everything may be missing


def test_test_tool_refuses_half_a_checkpoint(tiny, synthetic_root, tmp_path):
    config, checkpoint = tiny
    args = [
        sys.executable, 'tools/test.py', config, checkpoint, '--work-dir',
        str(tmp_path / 'test'), '--cfg-options',
        *synthetic_cfg_options(synthetic_root)
    ]
    code, out = run_tool_status(args)
    assert code != 0
    assert 'CheckpointMismatchError' in out and 'missing keys: ' in out
    assert 'experiment transvg_tiny_synthetic_20250101_000000' in out
    code, out = run_tool_status(args + ['--no-strict'])
    assert code == 0, out[-3000:]
    assert 'Loaded anyway (not strict)' in out


def test_hook_raises_in_tests_and_warns_in_training(tmp_path, warnings_logged):
    runner = toy_runner(str(tmp_path))
    partial = {'state_dict': {}, 'meta': META}
    hook = CheckpointFitHook()
    hook.after_load_checkpoint(runner, partial)
    with pytest.raises(CheckpointMismatchError, match='2 missing keys'):
        hook.before_test(runner)
    hook.before_val(runner)  # reported once
    hook.after_load_checkpoint(runner, partial)
    hook.before_train(runner)
    assert len(warnings_logged) == 1 and 'linear.weight' in warnings_logged[0]
    CheckpointFitHook(strict=False).before_test(runner)  # nothing loaded
