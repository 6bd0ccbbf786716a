"""VG-LAW configs hold the paper's setting; the lr of each part is right."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from test_configs import apply_overrides
from utils_cli import ROOT

import mmvg.models.grounders.vglaw  # noqa: F401
import mmvg.models.heads.law_head  # noqa: F401
from mmvg.registry import MODELS

PAPER = [
    f'configs/vglaw/vglaw_vitb_448_90e_{name}.py'
    for name in ('refcoco', 'refcoco_plus', 'refcocog_umd', 'referitgame')
]


def load(config):
    return Config.fromfile(osp.join(ROOT, config))


def types(pipeline):
    return [step['type'] for step in pipeline]


@pytest.mark.parametrize('config', PAPER)
def test_paper_setting(config):
    cfg = load(config)
    backbone, head = cfg.model.backbone, cfg.model.bbox_head
    assert backbone.type == 'LanguageAdaptiveViT'
    assert (backbone.window_size, tuple(backbone.global_attn_indexes),
            backbone.rel_pos_grid) == (14, (2, 5, 8, 11), 64)
    assert backbone.reduction == 16 and not backbone.with_cls_token
    assert (cfg.model.text_encoder.name_or_path,
            cfg.model.text_encoder.num_layers,
            cfg.model.text_encoder.max_length) == ('bert-base-uncased', 6, 40)
    assert head.with_rec and head.with_res and head.mask_thr == 0.35
    assert [
        head[k].loss_weight
        for k in ('loss_bbox', 'loss_iou', 'loss_mask', 'loss_dice')
    ] == [1.0, 1.0, 4.0, 4.0]
    assert cfg.model.data_preprocessor.pad_mask
    train = cfg.train_dataloader.dataset.pipeline
    assert 'GroundingRandomFlip' in types(train)
    for pipeline in (train, cfg.test_dataloader.dataset.pipeline):
        resize = pipeline[types(pipeline).index('Resize')]
        assert tuple(resize['scale']) == (448, 448)
        load_ann = pipeline[types(pipeline).index('LoadAnnotations')]
        assert load_ann['with_mask'] and load_ann['poly2mask']
    assert types(cfg.test_evaluator) == ['RECMetric', 'RESMetric']
    assert cfg.train_dataloader.batch_size * 8 == 256
    assert cfg.train_cfg.max_epochs == 90
    (step, ) = cfg.param_scheduler
    assert step.milestones == [10, 60] and step.gamma == 0.1
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    assert cfg.optim_wrapper.optimizer.weight_decay == 1e-4


def test_each_dataset_reads_its_files():
    files = {
        load(c).test_dataloader.dataset.split_file:
        load(c).test_dataloader.dataset.split
        for c in PAPER
    }
    assert files == {
        'refcoco/refs(unc).p': 'testA',
        'refcoco+/refs(unc).p': 'testA',
        'refcocog/refs(umd).p': 'test',
        'refclef/refs(berkeley).p': 'test'
    }


def test_backbones_train_at_4e_5_the_rest_at_4e_4(vocab_file):
    config = PAPER[0]
    cfg = load(config)
    apply_overrides(cfg, config)
    cfg.model.text_encoder.vocab_file = vocab_file
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    lr_of = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in optim.optimizer.param_groups:
        for param in group['params']:
            lr_of[names[id(param)]] = group['lr']
    part_lrs = {}
    for name, lr in lr_of.items():
        part = ('backbone.law'
                if name.startswith('backbone.law.') else name.split('.')[0])
        part_lrs.setdefault(part, set()).add(lr)
    assert part_lrs == {
        'backbone': {4e-5},
        'text_encoder': {4e-5},
        'backbone.law': {4e-4},
        'bbox_head': {4e-4}
    }


def test_synthetic_task_switches():
    rec = load('configs/synthetic/vglaw_tiny_synthetic_rec.py')
    res = load('configs/synthetic/vglaw_tiny_synthetic_res.py')
    assert not rec.model.bbox_head.with_res and rec.model.bbox_head.with_rec
    assert types(rec.test_evaluator) == ['RECMetric']
    assert not res.model.bbox_head.with_rec and res.model.bbox_head.with_res
    assert types(res.test_evaluator) == ['RECMetric', 'RESMetric']
