"""Offline scoring round trip: dump predictions, score them with
tools/analysis_tools/eval_metric.py, get the metrics of the online run."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import PolygonMasks
from mmengine.dataset import BaseDataset
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData

from mmvg.evaluation import DumpGroundingPredictions
from mmvg.registry import DATASETS, METRICS
from mmvg.utils import register_all_modules

TOOL = Path(__file__).parents[1] / 'tools' / 'analysis_tools' / \
    'eval_metric.py'
H, W = 20, 30
METRIC_CFGS = [
    dict(type='RECMetric'),
    dict(type='RESMetric'),
    dict(type='GRECMetric')
]


@DATASETS.register_module(force=True)
class EvalMetricTestDataset(BaseDataset):
    """mmengine's JSON-annotated dataset, registered for this test."""


def _load_tool():
    spec = importlib.util.spec_from_file_location('eval_metric', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _box_polygon(x1, y1, x2, y2):
    return [[x1, y1, x2, y1, x2, y2, x1, y2]]


def _instance(box, ignore=0):
    return dict(
        bbox=box, bbox_label=0, ignore_flag=ignore, mask=_box_polygon(*box))


def _data_list():
    return [
        dict(
            img_path='1.jpg',
            img_id=1,
            ref_id=10,
            sent_id=100,
            text='a',
            height=H,
            width=W,
            no_target=False,
            expr_kind='attribute',
            instances=[
                _instance([2., 2., 12., 12.]),
                _instance([20., 2., 28., 9.], ignore=1)
            ]),
        dict(
            img_path='1.jpg',
            img_id=1,
            ref_id=10,
            sent_id=101,
            text='b',
            height=H,
            width=W,
            no_target=False,
            expr_kind='spatial',
            instances=[_instance([2., 2., 12., 12.])]),
        dict(
            img_path='2.jpg',
            img_id=2,
            ref_id=11,
            sent_id=102,
            text='c',
            height=H,
            width=W,
            no_target=False,
            instances=[
                _instance([0., 0., 8., 8.]),
                _instance([15., 5., 25., 15.])
            ]),
    ]


def _predictions():
    """(boxes, scores, box of the predicted mask) per sample."""
    return [
        ([[2., 2., 12., 11.], [20., 2., 28., 9.]], [0.9, 0.8], [2, 2, 12, 8]),
        ([[2., 2., 12., 5.]], [0.6], [2, 2, 12, 12]),
        ([[0., 0., 8., 8.], [15., 5., 25., 14.],
          [0., 10., 5., 15.]], [0.95, 0.9, 0.2], [0, 0, 8, 8]),
    ]


def _online_samples():
    """Packed samples as the test pipeline and a model would give them."""
    samples = []
    for info, (boxes, scores, mask_box) in zip(_data_list(), _predictions()):
        meta = {k: v for k, v in info.items() if k != 'instances'}
        sample = DetDataSample(metainfo=dict(meta, ori_shape=(H, W)))
        kept = [inst for inst in info['instances'] if not inst['ignore_flag']]
        sample.gt_instances = InstanceData(
            bboxes=HorizontalBoxes(torch.tensor([i['bbox'] for i in kept])),
            masks=PolygonMasks([[np.array(i['mask'][0])] for i in kept], H, W))
        mask = torch.zeros(1, H, W, dtype=torch.bool)
        x1, y1, x2, y2 = mask_box
        mask[0, y1:y2, x1:x2] = True
        sample.pred_instances = InstanceData(
            bboxes=torch.tensor(boxes),
            scores=torch.tensor(scores),
            masks=mask.expand(len(scores), H, W))
        samples.append(sample)
    return samples


def _write_config(tmp_path):
    ann_file = tmp_path / 'ann.json'
    ann_file.write_text(json.dumps(dict(metainfo={}, data_list=_data_list())))
    config = tmp_path / 'config.py'
    config.write_text(
        f'test_dataloader = dict(dataset=dict(type="EvalMetricTestDataset", '
        f'ann_file={str(ann_file)!r}, pipeline=[]))\n'
        f'test_evaluator = {METRIC_CFGS!r}\n')
    return config


def test_eval_metric_reproduces_online_metrics(tmp_path):
    register_all_modules()
    preds = tmp_path / 'preds.json'
    evaluator = Evaluator([METRICS.build(cfg) for cfg in METRIC_CFGS] +
                          [DumpGroundingPredictions(str(preds))])
    evaluator.process(_online_samples())
    online = evaluator.evaluate(3)
    # Hand check of the online run. REC top-box IoUs: 0.9, 0.3, 1.0.
    # RES I/U: 60/100, 100/100, 64/164 (GT = union of both targets).
    # GREC: sample 1 keeps a box matching only the ignored instance,
    # sample 2 keeps none, sample 3 matches both targets.
    assert online['REC/Acc@0.5'] == pytest.approx(2 / 3)
    assert online['REC/Acc@0.5/spatial'] == 0.0
    assert online['RES/mIoU'] == pytest.approx((0.6 + 1 + 64 / 164) / 3)
    assert online['RES/oIoU'] == pytest.approx(224 / 364)
    assert online['GREC/Pr@F1=1'] == pytest.approx(1 / 3)

    metrics_file = tmp_path / 'metrics.json'
    offline = _load_tool().main([
        str(_write_config(tmp_path)),
        str(preds), '--json-out',
        str(metrics_file)
    ])
    assert offline == pytest.approx(online)
    assert json.loads(metrics_file.read_text()) == pytest.approx(online)


def test_grec_matching_option_reaches_every_grec_metric(tmp_path):
    tool = _load_tool()
    for form in ([dict(type='RECMetric'),
                  dict(type='GRECMetric')], dict(type='GRECMetric'),
                 dict(metrics=[dict(type='GRECMetric')])):
        tool.set_grec_matching(form, 'iou_hungarian')
        metrics = form if isinstance(form, list) else form.get(
            'metrics', [form])
        assert [
            m.get('matching') for m in metrics if m['type'] == 'GRECMetric'
        ] == ['iou_hungarian']
    with pytest.raises(
            ValueError, match=r"no GRECMetric \(it has "
            r"\['RECMetric'\]\)"):
        tool.set_grec_matching([dict(type='RECMetric')], 'official')
    # through the command line: the option is read and applied
    register_all_modules()
    preds = tmp_path / 'preds.json'
    evaluator = Evaluator([DumpGroundingPredictions(str(preds))])
    evaluator.process(_online_samples())
    evaluator.evaluate(3)
    config = _write_config(tmp_path)
    with pytest.raises(ValueError, match='matching must be one of'):
        tool.main([
            str(config),
            str(preds), '--cfg-options', 'test_evaluator.2.matching=x'
        ])
    built = tool.build_evaluator
    for matching in ('official', 'iou_hungarian'):
        used = []

        def spy(cfg):
            evaluator = built(cfg)
            used.extend(
                m.matching for m in evaluator.metrics
                if hasattr(m, 'matching'))
            return evaluator

        tool.build_evaluator = spy
        offline = tool.main(
            [str(config), str(preds), '--grec-matching', matching])
        assert used == [matching]
        assert offline['GREC/Pr@F1=1'] == pytest.approx(1 / 3)


def test_pair_records_names_missing_extra_and_repeated_records():
    pair_records = _load_tool().pair_records
    infos = [dict(ref_id=1, sent_id=1), dict(ref_id=1, sent_id=2)]
    record = dict(ref_id=1, sent_id=1, bboxes=[], scores=[])
    with pytest.raises(
            ValueError,
            match=r'1 samples have no record \(e.g. '
            r'\(1, 2\)\); 1 records match no sample \(e.g. '
            r'\(9, 9\)\)'):
        pair_records([record, dict(record, ref_id=9, sent_id=9)], infos,
                     'p.json')
    with pytest.raises(ValueError, match=r'p.json holds two records'):
        pair_records([record, record], infos, 'p.json')
    with pytest.raises(
            ValueError,
            match=r'repeats 1 \(ref_id, sent_id\) '
            r'keys \(e.g. \(1, 1\)\)'):
        pair_records([record], infos[:1] * 2, 'p.json')
    with pytest.raises(TypeError, match='JSON list of records'):
        pair_records({'ref_id': 1}, infos, 'p.json')
    paired = pair_records([dict(record, sent_id=2), record], infos, 'p.json')
    assert [r['sent_id'] for r, _ in paired] == [1, 2]
