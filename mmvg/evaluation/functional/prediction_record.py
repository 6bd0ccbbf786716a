"""Prediction records: the JSON form of one sample's prediction, and back.

A record is ``{"ref_id", "sent_id", "bboxes": [[x1, y1, x2, y2], ...],
"scores": [...], "mask": COCO RLE (optional)}`` in original-image pixels.
:class:`DumpGroundingPredictions` writes records from model outputs; the
offline scorer turns a record plus its dataset entry back into the input
that the metrics take, so predictions of any system go through the same
metric code.
"""
from typing import Mapping

import numpy as np
import torch
from mmdet.structures.mask import BitmapMasks

from .box_utils import pred_boxes_and_scores
from .mask_utils import encode_rle, mask_ann_to_bitmap, select_pred_mask
from .sample_key import sample_key

# Metainfo copied from a data_list entry into the metric input.
META_KEYS = ('img_path', 'img_id', 'ref_id', 'sent_id', 'text', 'dataset_name',
             'no_target', 'expr_kind')


def prediction_to_record(data_sample: Mapping) -> dict:
    """Make the JSON record of one packed sample's ``pred_instances``."""
    ref_id, sent_id = sample_key(data_sample)
    pred = data_sample['pred_instances']
    boxes, scores = pred_boxes_and_scores(pred, (ref_id, sent_id))
    record = dict(
        ref_id=ref_id,
        sent_id=sent_id,
        bboxes=boxes.tolist(),
        scores=scores.tolist())
    if 'masks' in pred:
        mask = select_pred_mask(pred['masks'], scores,
                                tuple(data_sample['ori_shape'][:2]))
        record['mask'] = encode_rle(mask)
    return record


def gt_instances_from_data_info(data_info: Mapping, with_mask: bool) -> dict:
    """GT boxes (and masks) of a data_list entry, as the test pipeline packs
    them in original pixels: ignored instances left out, masks decoded to
    ``BitmapMasks`` at (height, width)."""
    height, width = int(data_info['height']), int(data_info['width'])
    instances = [
        inst for inst in data_info.get('instances', [])
        if not inst.get('ignore_flag', 0)
    ]
    gt = dict(
        bboxes=torch.tensor([inst['bbox'] for inst in instances],
                            dtype=torch.float32).reshape(-1, 4))
    if with_mask:
        if any('mask' not in inst for inst in instances):
            raise KeyError(f'Sample {sample_key(data_info)} has instances '
                           'without `mask`; mask metrics need GT masks.')
        gt['masks'] = BitmapMasks([
            mask_ann_to_bitmap(inst['mask'], height, width)
            for inst in instances
        ], height, width)
    return gt


def _pred_instances_from_record(record: Mapping, height: int,
                                width: int) -> dict:
    """Tensors of a record's prediction, checked for consistent shapes."""
    bboxes = np.asarray(record['bboxes'], dtype=np.float32)
    bboxes = bboxes.reshape(0, 4) if bboxes.size == 0 else bboxes
    scores = np.asarray(record['scores'], dtype=np.float32)
    if bboxes.ndim != 2 or bboxes.shape[1] != 4 or scores.shape != (
            bboxes.shape[0], ):
        raise ValueError(f'Prediction record {sample_key(record)} needs '
                         '`bboxes` as [[x1, y1, x2, y2], ...] and one score '
                         f'per box; got bboxes {bboxes.shape}, scores '
                         f'{scores.shape}.')
    pred = dict(
        bboxes=torch.from_numpy(bboxes), scores=torch.from_numpy(scores))
    if 'mask' in record:
        try:
            mask = mask_ann_to_bitmap(record['mask'], height, width)
        except (TypeError, ValueError) as error:
            raise ValueError(f'Prediction record {sample_key(record)} has a '
                             f'bad `mask`: {error}') from error
        pred['masks'] = torch.from_numpy(mask[None])
    return pred


def record_to_data_sample(record: Mapping, data_info: Mapping) -> dict:
    """Build the metric input of one sample from its prediction record and
    its dataset entry (GT read from ``instances``, no image loaded).

    GT masks are decoded only when the record predicts a mask.
    """
    missing = [k for k in ('bboxes', 'scores') if k not in record]
    if missing:
        raise KeyError(f'Prediction record {sample_key(record)} lacks '
                       f'{missing}.')
    height, width = int(data_info['height']), int(data_info['width'])
    data_sample = {k: data_info[k] for k in META_KEYS if k in data_info}
    data_sample.update(
        ori_shape=(height, width),
        gt_instances=gt_instances_from_data_info(data_info, 'mask' in record),
        pred_instances=_pred_instances_from_record(record, height, width))
    return data_sample
