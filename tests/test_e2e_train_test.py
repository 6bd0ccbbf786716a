"""End to end: tools/train.py, tools/test.py --out --show-dir, eval_metric."""
import glob
import json
import os.path as osp
from typing import List, Sequence

import pytest
from conftest import TINY_CONFIG, synthetic_cfg_options
from mmengine.config import Config
from utils_cli import (assert_same_metric, json_log_records,
                       logged_test_metrics, python_tool)

from mmvg.registry import DATASETS


def val_split(root) -> List[dict]:
    """Data infos of the tiny config's val split under ``root``."""
    cfg = Config.fromfile(TINY_CONFIG).val_dataloader.dataset
    cfg.update(data_root=f'{root}/', pipeline=[])
    dataset = DATASETS.build(cfg)
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def box_iou(box: Sequence[float], other: Sequence[float]) -> float:
    """IoU of two (x1, y1, x2, y2) boxes."""
    width = min(box[2], other[2]) - max(box[0], other[0])
    height = min(box[3], other[3]) - max(box[1], other[1])
    inter = max(width, 0.) * max(height, 0.)
    area = (box[2] - box[0]) * (box[3] - box[1])
    area_other = (other[2] - other[0]) * (other[3] - other[1])
    return inter / (area + area_other - inter)


def top_box(record: dict) -> List[float]:
    """Highest-scoring box of a dumped prediction record."""
    scores = record['scores']
    return record['bboxes'][max(range(len(scores)), key=scores.__getitem__)]


@pytest.fixture(scope='module')
def trained(synthetic_root, tmp_path_factory):
    """One epoch of the tiny baseline on the small synthetic set."""
    work_dir = str(tmp_path_factory.mktemp('e2e'))
    python_tool('train.py', TINY_CONFIG, '--work-dir', work_dir,
                '--cfg-options', *synthetic_cfg_options(synthetic_root),
                'train_cfg.max_epochs=1', 'train_cfg.val_interval=1')
    return work_dir


def test_train_logs_losses_and_val_metrics(trained, synthetic_root):
    records = json_log_records(trained)
    assert any('loss_cls' in r for r in records)
    val = [r for r in records if 'REC/Acc@0.5' in r]
    assert len(val) == 1
    assert val[0]['REC/num_samples'] == len(val_split(synthetic_root))
    assert osp.exists(osp.join(trained, 'epoch_1.pth'))


def test_test_dumps_draws_and_round_trips(trained, synthetic_root, tmp_path):
    options = synthetic_cfg_options(synthetic_root)
    test_dir = str(tmp_path / 'test')
    preds = str(tmp_path / 'preds.json')
    python_tool('test.py', TINY_CONFIG, osp.join(trained,
                                                 'epoch_1.pth'), '--work-dir',
                test_dir, '--out', preds, '--show-dir', 'vis', '--cfg-options',
                *options, 'default_hooks.visualization.interval=1')
    metrics = logged_test_metrics(test_dir)
    num_samples = metrics['REC/num_samples']
    with open(preds) as f:
        records = json.load(f)
    assert len(records) == num_samples
    assert len({(r['ref_id'], r['sent_id']) for r in records}) == num_samples
    assert all(len(r['bboxes']) == 1 for r in records)
    pictures = glob.glob(osp.join(test_dir, '*', 'vis', '*.jpg'))
    assert len(pictures) == num_samples

    # the val accuracy logged in training is that of the saved checkpoint
    # (the test loader is the val loader), and of the dumped boxes against
    # the dataset's targets
    logged = [r for r in json_log_records(trained) if 'REC/Acc@0.5' in r][0]
    for key in ('REC/Acc@0.5', 'REC/Acc@0.75', 'REC/mIoU'):
        assert_same_metric(key, metrics[key], logged[key])
    targets = {
        (info['ref_id'], info['sent_id']): info['instances'][0]['bbox']
        for info in val_split(synthetic_root)
    }
    assert {(r['ref_id'], r['sent_id']) for r in records} == targets.keys()
    ious = [
        box_iou(top_box(r), targets[r['ref_id'], r['sent_id']])
        for r in records
    ]
    assert logged['REC/Acc@0.5'] == sum(iou >= 0.5 for iou in ious) / len(ious)
    assert logged['REC/mIoU'] == pytest.approx(sum(ious) / len(ious), rel=1e-6)

    scored = str(tmp_path / 'metrics.json')
    python_tool('analysis_tools/eval_metric.py', TINY_CONFIG, preds,
                '--json-out', scored, '--cfg-options', *options)
    with open(scored) as f:
        offline = json.load(f)
    for key, value in offline.items():
        assert_same_metric(key, metrics[key], value)


def test_amp_training_on_cpu_uses_bfloat16_autocast(synthetic_root, tmp_path):
    work_dir = str(tmp_path / 'amp')
    python_tool('train.py', TINY_CONFIG, '--work-dir', work_dir, '--amp',
                '--cfg-options', *synthetic_cfg_options(synthetic_root),
                'train_cfg.max_epochs=1', 'train_cfg.val_interval=1')
    dumped = glob.glob(osp.join(work_dir, '*', 'vis_data', 'config.py'))
    assert dumped
    with open(dumped[0]) as f:
        text = f.read()
    assert "type='AutocastOptimWrapper'" in text and 'bfloat16' in text
    losses = [r['loss'] for r in json_log_records(work_dir) if 'loss' in r]
    assert losses and all(loss == loss for loss in losses)  # no NaN


def test_auto_scale_lr_scales_by_total_batch(synthetic_root, tmp_path,
                                             trained):
    """Batch 4 against base_batch_size 64: every lr is 1/16 of the
    unscaled run's (the `trained` fixture, same config and seed)."""
    work_dir = str(tmp_path / 'scaled')
    python_tool('train.py', TINY_CONFIG, '--work-dir', work_dir,
                '--auto-scale-lr', '--cfg-options',
                *synthetic_cfg_options(synthetic_root),
                'train_cfg.max_epochs=1', 'train_cfg.val_interval=1')
    plain = {
        r['iter']: r['lr']
        for r in json_log_records(trained) if 'lr' in r
    }
    scaled = {
        r['iter']: r['lr']
        for r in json_log_records(work_dir) if 'lr' in r
    }
    assert plain and plain.keys() == scaled.keys()
    for i in plain:
        assert scaled[i] == pytest.approx(plain[i] * 4 / 64, rel=1e-6)
