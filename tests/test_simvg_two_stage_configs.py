"""The two-stage SimVG configs carry the released `_twostage_{1,2}` recipe
(Dmmm1997/SimVG `configs/single/ViT-{base,large}/<dataset>/`): batch, EMA,
lr, epochs, warm-up, decay epochs and DWBD weights."""
import os.path as osp

import pytest
from mmengine import Config

ROOT = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', 'simvg')
REFCOCO_FAMILY = ('refcoco', 'refcoco-plus', 'refcocog-umd', 'refcocog-google')
OTHERS = ('referitgame', 'flickr30k')


def _released(size, stage, dataset):
    """(batch, ema, lr, epochs, warm-up, milestones, DWBD) of a released
    file; gRefCOCO ViT-L (not released) follows ViT-B with batch 4."""
    if dataset == 'grefcoco':
        epochs = 200 if stage == 1 else 100
        batch = 32 if size == 'b' else 4
        dwbd = None if stage == 1 else ((2.0, 1.0) if size == 'b' else
                                        (1.0, 0.4))
        return batch, False, 5e-4, epochs, True, [int(epochs * 0.9)], dwbd
    if size == 'b' and stage == 1:
        family = dataset in REFCOCO_FAMILY
        return 16 if family else 32, family, 5e-4, 30, True, [25], None
    if size == 'b':
        return 32, False, 3e-4, 20, True, [15], (2.0, 1.0)
    if stage == 1:
        return 4, False, 5e-4, 30, True, [21, 27], None
    dwbd = (2.0, 1.0) if dataset == 'referitgame' else (1.0, 0.4)
    return 4, False, 1e-4, 10, False, [7], dwbd


@pytest.mark.parametrize('dataset', REFCOCO_FAMILY + OTHERS + ('grefcoco', ))
@pytest.mark.parametrize('stage', [1, 2])
@pytest.mark.parametrize('size', ['b', 'l'])
def test_two_stage_configs_match_the_released_files(size, stage, dataset):
    suffix = 'two-stage-1' if stage == 1 else 'two-stage'
    cfg = Config.fromfile(
        osp.join(ROOT, f'simvg_vit-{size}32_{suffix}_{dataset}.py'))
    batch, ema, lr, epochs, warmup, milestones, dwbd = _released(
        size, stage, dataset)
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.auto_scale_lr.base_batch_size == batch
    hooks = [hook['type'] for hook in cfg.custom_hooks]
    assert ('EMAHook' in hooks) == ema
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(lr)
    assert cfg.train_cfg.max_epochs == epochs
    types = [s['type'] for s in cfg.param_scheduler]
    assert ('LinearLR' in types) == warmup
    [step] = [s for s in cfg.param_scheduler if s['type'] == 'MultiStepLR']
    assert step['milestones'] == milestones and step['end'] == epochs
    head = cfg.model.bbox_head
    if dwbd is None:
        assert head.token_branch is None and head.distill_loss is None
    else:
        loss = head.distill_loss
        assert (loss.gt_weight, loss.teacher_weight) == dwbd
