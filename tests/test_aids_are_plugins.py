"""The from-scratch aids stay out of the paper path: no paper module names
them and no paper config uses them; heads import only their base classes."""
import ast
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config
from utils_cli import ROOT

import mmvg.models.aids as aids

MODELS_DIR = osp.join(ROOT, 'mmvg', 'models')
#: the switches the aids once were on the paper classes, and the aids' names
AID_WORDS = [
    'conv_stem', 'sine_pos_init', 'proposal_head', 'point_weight',
    'with_reference', 'point_dims', 'loss_lap', 'box_readout', 'with_position',
    'top_cell'
] + aids.__all__
PAPER_MODULES = sorted(
    path
    for path in glob.glob(osp.join(MODELS_DIR, '**', '*.py'), recursive=True)
    if not path.startswith(osp.join(MODELS_DIR, 'aids'))
    and not path.endswith('__init__.py'))
PAPER_CONFIGS = sorted(
    glob.glob(osp.join(ROOT, 'configs', 'simvg', '*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'vglaw', '*.py')))
#: what a head file may import from mmvg.models.heads: base classes
HEAD_BASES = {'base_box_head', 'simvg_set_head'}


def aid_words_in(text: str) -> list:
    return [word for word in AID_WORDS if re.search(rf'\b{word}\b', text)]


def test_the_words_are_found_where_they_are():
    assert aid_words_in('x = dict(type="ConvStem", loss_lap=1)') == [
        'loss_lap', 'ConvStem'
    ]
    assert aid_words_in('pointed_dims, conv_stems') == []


@pytest.mark.parametrize(
    'path', PAPER_MODULES, ids=lambda p: osp.relpath(p, MODELS_DIR))
def test_paper_modules_name_no_aid(path):
    with open(path) as f:
        assert aid_words_in(f.read()) == []


@pytest.mark.parametrize('path', PAPER_CONFIGS, ids=osp.basename)
def test_paper_configs_use_no_aid(path):
    assert aid_words_in(Config.fromfile(path).pretty_text) == []


def test_the_paper_configs_are_collected():
    assert len(PAPER_CONFIGS) == 48 and len(PAPER_MODULES) > 40


def test_no_head_imports_another_head():
    for path in glob.glob(osp.join(MODELS_DIR, 'heads', '*.py')):
        if path.endswith('__init__.py'):
            continue
        with open(path) as f:
            tree = ast.parse(f.read())
        imported = {
            node.module.split('.')[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and (
                node.level == 1 or node.module.startswith('mmvg.models.heads'))
        }
        assert imported <= HEAD_BASES, (path, imported)
