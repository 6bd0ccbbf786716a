"""DumpGroundingPredictions writes the documented JSON records."""
import json

import numpy as np
import pycocotools.mask as mask_utils
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData

from mmvg.evaluation import DumpGroundingPredictions


def _det_sample(ref_id, sent_id, bboxes, scores, masks=None):
    sample = DetDataSample(
        metainfo=dict(
            ref_id=ref_id,
            sent_id=sent_id,
            ori_shape=(4, 5),
            img_path='a.jpg',
            no_target=False))
    pred = InstanceData(
        bboxes=torch.tensor(bboxes).reshape(-1, 4),
        scores=torch.tensor(scores))
    if masks is not None:
        pred.masks = torch.from_numpy(masks)
    sample.pred_instances = pred
    sample.gt_instances = InstanceData(bboxes=torch.zeros(1, 4))
    return sample


def test_dump_records_exactly(tmp_path):
    out = tmp_path / 'preds.json'
    masks = np.zeros((2, 4, 5), dtype=bool)
    masks[0, 0, 0] = True
    masks[1, 1:3, 2:4] = True  # the top-scoring instance's mask
    samples = [
        _det_sample(
            np.int64(3), 7, [[1., 2., 3., 4.5], [0., 0., 1., 1.]],
            [0.5, 0.25]),
        _det_sample(4, 8, [[0., 0., 2., 2.], [1., 1., 3., 3.]], [0.25, 0.75],
                    masks),
        _det_sample(5, 9, [], [], np.zeros((0, 4, 5), dtype=bool)),
    ]
    evaluator = Evaluator(DumpGroundingPredictions(str(out)))
    evaluator.process(samples)
    assert evaluator.evaluate(3) == {}

    records = json.loads(out.read_text())
    rle = mask_utils.encode(np.asfortranarray(masks[1].astype(np.uint8)))
    empty = mask_utils.encode(np.zeros((4, 5), dtype=np.uint8, order='F'))
    assert records == [
        dict(
            ref_id=3,
            sent_id=7,
            bboxes=[[1., 2., 3., 4.5], [0., 0., 1., 1.]],
            scores=[0.5, 0.25]),
        dict(
            ref_id=4,
            sent_id=8,
            bboxes=[[0., 0., 2., 2.], [1., 1., 3., 3.]],
            scores=[0.25, 0.75],
            mask=dict(size=[4, 5], counts=rle['counts'].decode())),
        dict(
            ref_id=5,
            sent_id=9,
            bboxes=[],
            scores=[],
            mask=dict(size=[4, 5], counts=empty['counts'].decode())),
    ]


def test_dump_rejects_duplicates_and_non_json_paths(tmp_path):
    with pytest.raises(ValueError, match='.json'):
        DumpGroundingPredictions(str(tmp_path / 'preds.pkl'))
    metric = DumpGroundingPredictions(str(tmp_path / 'preds.json'))
    sample = _det_sample(1, 1, [[0., 0., 1., 1.]], [1.]).to_dict()
    metric.process({}, [sample, sample])
    with pytest.raises(ValueError, match='duplicated'):
        metric.evaluate(2)
    assert not (tmp_path / 'preds.json').exists()
