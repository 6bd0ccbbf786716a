"""EpmVG configs: TransVG's schedule and student, the CLIP ViT-B/16
teacher, the lr of each part; the VG-LAW-student and tiny configs are
their students' configs plus a distiller, and nothing else."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from test_configs import TINY_CLIP, apply_overrides
from utils_cli import ROOT

from mmvg.registry import MODELS

DATASETS = {
    'refcoco': ('90e', 'refcoco/refs(unc).p', 'testA', 'detr-r50-unc.pth'),
    'refcoco-plus':
    ('180e', 'refcoco+/refs(unc).p', 'testA', 'detr-r50-unc.pth'),
    'refcocog-umd':
    ('90e', 'refcocog/refs(umd).p', 'test', 'detr-r50-unc.pth'),
    'referitgame':
    ('90e', 'refclef/refs(berkeley).p', 'test', 'detr-r50-referit.pth'),
    'flickr30k': ('90e', 'mdetr_annotations/final_flickr_separateGT_test.json',
                  'test', 'detr-r50-e632da11.pth'),
}
LOSSES = ('visual_loss', 'language_loss', 'consistency_loss')


def paper_config(name):
    return f'configs/epmvg/epmvg_r50_clip-b16_{DATASETS[name][0]}_{name}.py'


def load(config):
    return Config.fromfile(osp.join(ROOT, config))


def types(pipeline):
    return [step['type'] for step in pipeline]


def without(cfg_dict, *keys):
    return {k: v for k, v in cfg_dict.items() if k not in keys}


@pytest.mark.parametrize('name', DATASETS)
def test_transvg_student_and_schedule(name):
    cfg = load(paper_config(name))
    model = cfg.model
    assert model.type == 'TransVG'
    backbone = model.backbone
    assert (backbone.type, backbone.depth, backbone.style,
            backbone.frozen_stages, backbone.norm_eval) == ('ResNet', 50,
                                                            'pytorch', 1, True)
    assert not backbone.norm_cfg.requires_grad
    assert backbone.init_cfg == dict(
        type='DETRPretrained',
        checkpoint=f'pretrain_weights/{DATASETS[name][3]}')
    assert model.text_encoder.name_or_path == (
        'pretrain_weights/bert-base-uncased')
    tokens = 40 if name == 'refcocog-umd' else 20
    assert model.text_encoder.max_length == tokens
    assert model.fusion.max_text_len == tokens
    assert (model.fusion.embed_dims, model.fusion.num_layers,
            model.fusion.num_heads, model.fusion.ffn_dims,
            model.fusion.dropout) == (256, 6, 8, 2048, 0.1)
    head = model.bbox_head
    assert head.type == 'RegTokenHead'
    assert (head.loss_bbox.loss_weight, head.loss_iou.loss_weight) == (4., 1.)
    distiller = model.distiller
    assert distiller.type == 'CrossModalDistiller'
    assert distiller.teacher == dict(
        type='CLIPTeacher',
        name_or_path='pretrain_weights/clip-vit-base-patch16')
    assert distiller.visual_dims == 256
    assert not any(key in distiller for key in LOSSES)  # all three on
    train = cfg.train_dataloader.dataset.pipeline
    assert 'GroundingRandomFlip' in types(train)
    for pipeline in (train, cfg.test_dataloader.dataset.pipeline):
        for step in ('Resize', 'Pad'):
            scale = pipeline[types(pipeline).index(step)]
            assert tuple(scale.get('scale', scale.get('size'))) == (640, 640)
    assert cfg.train_dataloader.batch_size * 8 == 64
    epochs, drop = (180, 120) if name == 'refcoco-plus' else (90, 60)
    assert cfg.train_cfg.max_epochs == epochs
    (step, ) = cfg.param_scheduler
    assert step.milestones == [drop] and step.gamma == 0.1
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr,
            optimizer.weight_decay) == ('AdamW', 1e-4, 1e-4)
    assert 'clip_grad' not in cfg.optim_wrapper


def test_each_dataset_reads_its_files():
    for name, (_, split_file, split, _) in DATASETS.items():
        test = load(paper_config(name)).test_dataloader.dataset
        assert (test.get('split_file', test.ann_file),
                test.get('split', split)) == (split_file, split)


def test_backbones_at_1e_5_the_rest_and_the_projections_at_1e_4(
        vocab_file, clip_tokenizer_dir):
    config = paper_config('refcoco')
    cfg = load(config)
    apply_overrides(cfg, config)
    cfg.model.text_encoder.vocab_file = vocab_file
    cfg.model.distiller.teacher = dict(
        type='CLIPTeacher', config=TINY_CLIP, tokenizer=clip_tokenizer_dir)
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    part_lrs = {}
    for group in optim.optimizer.param_groups:
        for param in group['params']:
            part = names[id(param)].split('.')[0]
            part_lrs.setdefault(part, set()).add(group['lr'])
    assert part_lrs == {
        'backbone': {1e-5},
        'text_encoder': {1e-5},
        'neck': {1e-4},
        'fusion': {1e-4},
        'bbox_head': {1e-4},
        'distiller': {1e-4}
    }
    clip = {id(p) for p in model.distiller.teacher.clip.parameters()}
    assert not clip & set(names)


@pytest.mark.parametrize('distilled,student,visual_dims', [
    ('epmvg/epmvg_vglaw-vitb_clip-b16_448_90e_refcoco.py',
     'vglaw/vglaw_vitb_448_90e_refcoco.py', 768),
    ('synthetic/epmvg_tiny_synthetic.py',
     'synthetic/transvg_tiny_synthetic.py', 128),
    ('synthetic/epmvg-vglaw_tiny_synthetic.py',
     'synthetic/vglaw_tiny_synthetic.py', 128),
])
def test_distilled_config_is_its_student_plus_a_distiller(
        distilled, student, visual_dims):
    ours, theirs = (load(f'configs/{c}') for c in (distilled, student))
    assert without(ours.model, 'distiller') == theirs.model
    assert ours.model.distiller.visual_dims == visual_dims
    skip = ('model', 'clip_teacher', 'synthetic_clip_teacher')
    assert without(ours.to_dict(), *skip) == without(theirs.to_dict(), *skip)
    teacher = ours.model.distiller.teacher.name_or_path
    assert teacher == ('work_dirs/synthetic_clip' if 'synthetic' in distilled
                       else 'pretrain_weights/clip-vit-base-patch16')


@pytest.mark.parametrize('kept', ['visual', 'language', 'consistency'])
def test_each_ablation_keeps_one_loss(kept):
    base = load('configs/synthetic/epmvg_tiny_synthetic.py')
    ablation = load(f'configs/synthetic/epmvg_tiny_synthetic_{kept}.py')
    distiller = ablation.model.distiller
    assert [loss for loss in LOSSES
            if distiller.get(loss, 'on') is not None] == [f'{kept}_loss']
    assert without(distiller, *LOSSES) == base.model.distiller
    assert without(ablation.model,
                   'distiller') == without(base.model, 'distiller')
