"""Every config under configs/ builds and runs one train and one test step
(on the small synthetic set, with its vocabulary)."""
import copy
import glob
import os.path as osp
import re
from typing import Callable

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from test_simvg_spm import load_tool as load_spm_tool
from utils_cli import ROOT

from mmvg.datasets.synthetic import read_vocab_words
from mmvg.models.language_models import write_word_bpe
from mmvg.registry import DATASETS, MODELS
from mmvg.utils.checkpoint_fit import compare_state_dict

CONFIGS = sorted(
    osp.relpath(path, ROOT) for path in glob.glob(
        osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in path)

_TINY_TOWER = dict(
    hidden_size=16,
    intermediate_size=32,
    num_hidden_layers=1,
    num_attention_heads=2)
#: a tiny random CLIP for distillation teachers (32-px patches: 400 at 640)
TINY_CLIP = dict(
    text_config=dict(_TINY_TOWER, max_position_embeddings=77),
    vision_config=dict(_TINY_TOWER, image_size=64, patch_size=32),
    projection_dim=16)


def point_at(cfg: Config, root) -> None:
    """Use the synthetic set and its vocabulary (or, for BEiT-3's
    sentencepiece tokenizer, a model trained on that vocabulary); a
    distiller's teacher becomes a tiny random CLIP with a tokenizer of that
    vocabulary."""
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = f'{root}/'
    if 'text_encoder' in cfg.model:
        cfg.model.text_encoder.vocab_file = f'{root}/synthetic/vocab.txt'
    tokenizer = cfg.model.get('tokenizer')
    if tokenizer is not None and tokenizer.type == 'WordPieceTokenizer':
        tokenizer.vocab_file = f'{root}/synthetic/vocab.txt'
    elif tokenizer is not None:
        tokenizer.spm_path = load_spm_tool().make_synthetic_spm(str(root))
    if cfg.model.get('distiller') is not None:
        clip_tokenizer = f'{root}/clip_tokenizer'
        write_word_bpe(
            read_vocab_words(f'{root}/synthetic/vocab.txt'), clip_tokenizer)
        cfg.model.distiller.teacher = dict(
            type='CLIPTeacher', config=TINY_CLIP, tokenizer=clip_tokenizer)


_SYNTHETIC_FILES = dict(
    ann_file='synthetic/instances.json',
    split_file='synthetic/refs(unc).p',
    data_prefix=dict(img_path='images/'))

_VGLAW_TINY = {
    'model.backbone.embed_dims':
    32,
    'model.backbone.num_layers':
    2,
    'model.backbone.num_heads':
    2,
    'model.backbone.global_attn_indexes': (1, ),
    'model.backbone.rel_pos_grid':
    None,
    'model.backbone.lang_dims':
    32,
    'model.backbone.num_groups':
    4,
    'model.backbone.dynamic_dims':
    4,
    'model.backbone.init_cfg':
    None,
    'model.text_encoder':
    dict(
        _delete_=True,
        type='HFTextEncoder',
        max_length=40,
        config=dict(
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64)),
    'model.bbox_head.in_channels':
    32,
    'model.bbox_head.lang_dims':
    32,
    'model.bbox_head.pool_dims':
    16,
    'model.bbox_head.norm_cfg':
    dict(type='GN', num_groups=4),
    'train_dataloader.dataset':
    _SYNTHETIC_FILES,
    'test_dataloader.dataset':
    dict(**_SYNTHETIC_FILES, split='val'),
}

#: TransVG-style ResNet-50 + BERT-base (EpmVG's student) at toy size
_TRANSVG_R50_TINY = {
    'model.backbone.depth':
    18,
    'model.backbone.base_channels':
    8,
    'model.backbone.init_cfg':
    None,
    'model.neck.in_channels': [64],
    'model.neck.out_channels':
    32,
    'model.text_encoder.name_or_path':
    None,
    'model.text_encoder.config':
    dict(
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64),
    'model.fusion.embed_dims':
    32,
    'model.fusion.num_layers':
    1,
    'model.fusion.num_heads':
    2,
    'model.fusion.ffn_dims':
    64,
    'model.bbox_head.in_channels':
    32,
    'model.distiller.visual_dims':
    32,
    'train_dataloader.dataset':
    _SYNTHETIC_FILES,
    'test_dataloader.dataset':
    dict(**_SYNTHETIC_FILES, split='val'),
}

#: Configs for real data, keyed by a pattern their path starts with:
#: ``--cfg-options`` that swap what needs downloads or a GPU (pretrained
#: weights, hub models, full-size backbones) for tiny random stand-ins and
#: read the synthetic refer files.
OVERRIDES = {
    'configs/vglaw/': _VGLAW_TINY,
    'configs/simvg/': {
        'model.backbone.arch':
        dict(
            _delete_=True,
            embed_dims=32,
            num_layers=1,
            num_heads=2,
            mlp_ratio=2.),
        'model.backbone.vocab_size':
        64,
        'model.backbone.init_cfg':
        None,
        'model.query_generator.in_channels':
        32,
        'model.decoder.in_channels':
        32,
        'model.bbox_head.in_channels':
        32,
        'train_dataloader.dataset':
        _SYNTHETIC_FILES,
        'test_dataloader.dataset':
        dict(**_SYNTHETIC_FILES, split='val'),
    },
    'configs/scanformer/': {
        'model.backbone.encoder':
        dict(
            _delete_=True,
            type='ViLT',
            vocab_size=64,
            max_text_len=40,
            img_size=128,
            patch_size=32,
            embed_dims=32,
            num_layers=2,
            num_heads=2,
            mlp_ratio=2.0),
        'model.backbone.split':
        1,
        'model.bbox_head.in_channels':
        32,
        'train_dataloader.dataset':
        _SYNTHETIC_FILES,
        'test_dataloader.dataset':
        dict(**_SYNTHETIC_FILES, split='val'),
    },
    r'configs/simvg/.*grefcoco': {
        'train_dataloader.dataset.split_file': 'synthetic/grefs(unc).json',
        'test_dataloader.dataset.split_file': 'synthetic/grefs(unc).json',
    },
    'configs/epmvg/epmvg_r50': _TRANSVG_R50_TINY,
    'configs/epmvg/epmvg_vglaw': {
        **_VGLAW_TINY, 'model.distiller.visual_dims': 32
    },
    r'configs/(simvg|epmvg)/.*flickr30k': {
        'train_dataloader.dataset.type': 'RefCOCODataset',
        'train_dataloader.dataset.split': 'train',
        'test_dataloader.dataset.type': 'RefCOCODataset',
    },
}


def apply_overrides(cfg: Config, config: str) -> None:
    """Merge the :data:`OVERRIDES` whose pattern ``config`` starts with.

    A mixed pre-training set (``ConcatDataset`` of real sources) is stood in
    for by its first source, which still drops the images of evaluation
    splits (here the synthetic val split's)."""
    dataset = cfg.train_dataloader.dataset
    if dataset.type == 'ConcatDataset':
        cfg.train_dataloader.dataset = dict(
            dataset.datasets[0],
            exclude_images_of=[
                dict(
                    split_file=_SYNTHETIC_FILES['split_file'], splits=['val'])
            ])
    for pattern, options in OVERRIDES.items():
        if re.match(pattern, config):
            cfg.merge_from_dict(copy.deepcopy(options))


def batch_of(dataset_cfg: dict, size: int = 2) -> dict:
    dataset = DATASETS.build(dataset_cfg)
    return pseudo_collate([dataset[i] for i in range(size)])


@pytest.mark.parametrize('config', CONFIGS)
def test_config_trains_and_tests_one_step(config, synthetic_root):
    cfg = Config.fromfile(osp.join(ROOT, config))
    apply_overrides(cfg, config)
    point_at(cfg, synthetic_root)
    model = MODELS.build(cfg.model)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    params = dict(model.named_parameters())
    before = {n: p.detach().clone() for n, p in params.items()}
    with_grad = set()  # names of parameters that got a non-zero gradient

    def record(name: str) -> Callable[[torch.Tensor], None]:

        def hook(param: torch.Tensor) -> None:
            if param.grad.abs().sum() > 0:
                with_grad.add(name)

        return hook

    for name, param in params.items():
        if param.requires_grad:
            param.register_post_accumulate_grad_hook(record(name))
    losses = model.train_step(
        batch_of(cfg.train_dataloader.dataset), optim_wrapper)
    assert all(torch.isfinite(v) for v in losses.values())
    if cfg.model.get('distiller') is not None:
        assert any(k.startswith('loss_distill_') for k in losses)
    changed = {n for n, p in params.items() if not torch.equal(before[n], p)}
    frozen = {n for n, p in params.items() if not p.requires_grad}
    assert with_grad and with_grad <= changed
    assert not frozen & changed
    model.eval()
    outputs = model.test_step(batch_of(cfg.test_dataloader.dataset))
    num_preds = cfg.model.bbox_head.get('num_queries', 1)
    for out in outputs:
        bboxes, scores = out.pred_instances.bboxes, out.pred_instances.scores
        assert bboxes.shape == (num_preds, 4) and scores.shape == (num_preds, )
        assert torch.equal(scores, scores.sort(descending=True).values)
        # exact: SimVG's set heads clip to ori_shape after undoing the
        # resize (where DETRHead's rounding could pass it by ~1e-5 px)
        height, width = out.metainfo['ori_shape'][:2]
        x1, y1, x2, y2 = bboxes.unbind(-1)
        assert torch.all((0 <= x1) & (x1 <= x2) & (x2 <= width))
        assert torch.all((0 <= y1) & (y1 <= y2) & (y2 <= height))


def test_every_config_is_collected():
    assert 'configs/synthetic/transvg_tiny_synthetic.py' in CONFIGS


def built_config(config: str, root) -> tuple:
    cfg = Config.fromfile(osp.join(ROOT, config))
    apply_overrides(cfg, config)
    point_at(cfg, root)
    torch.manual_seed(0)
    return cfg, MODELS.build(cfg.model)


@pytest.mark.parametrize('stage1', [
    'configs/simvg/simvg_vit-b32_two-stage-1_refcoco.py',
    'configs/simvg/simvg_vit-l32_two-stage-1_grefcoco.py',
    'configs/synthetic/simvg_tiny_synthetic_two-stage-1.py',
])
def test_two_stage_recipe_stage1_then_stage2(stage1, synthetic_root):
    """Stage 1 trains the decoder branch alone; stage 2 loads its
    checkpoint missing only the token branch's keys."""
    cfg1, model1 = built_config(stage1, synthetic_root)
    assert model1.bbox_head.token_branch is None
    losses = model1.train_step(
        batch_of(cfg1.train_dataloader.dataset),
        build_optim_wrapper(model1, cfg1.optim_wrapper))
    assert any(k.startswith('db_') for k in losses)
    assert not any(k.startswith(('tb_', 'distill')) for k in losses)

    stage2 = stage1.replace(
        'two-stage-1',
        'two-stage' if 'configs/simvg' in stage1 else 'two-stage-2')
    cfg2, model2 = built_config(stage2, synthetic_root)
    assert osp.basename(osp.dirname(cfg2.load_from)) == osp.splitext(
        osp.basename(stage1))[0]
    mismatch = compare_state_dict(model2, model1.state_dict())
    assert mismatch.missing and not mismatch.unexpected
    assert not mismatch.reshaped
    assert all(
        k.startswith('bbox_head.token_branch.') for k in mismatch.missing)
    assert {k
            for k in model2.state_dict()
            if 'token_branch' in k} == set(mismatch.missing)
    assert not compare_state_dict(model2, model1.state_dict(),
                                  cfg2.checkpoint_allow_missing)
    assert model2.bbox_head.test_branch == 'tb'
