"""Conversions between the mask formats that grounding evaluation meets.

GT masks arrive as COCO polygons / RLE (data_list entries) or as mmdet
``BitmapMasks`` / ``PolygonMasks`` / tensors (packed samples); predictions as
(N, H, W) bool tensors; dumped predictions as COCO RLE with ``str`` counts.
"""
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import pycocotools.mask as mask_utils
import torch
from mmdet.structures.mask import BaseInstanceMasks

MaskLike = Union[BaseInstanceMasks, torch.Tensor, np.ndarray]
Scores = Union[torch.Tensor, Sequence[float]]


def mask_ann_to_bitmap(mask_ann: Union[list, dict], height: int,
                       width: int) -> np.ndarray:
    """Decode one COCO mask annotation (polygons or RLE) to an (H, W) bool
    array."""
    if isinstance(mask_ann, list):
        rle = mask_utils.merge(mask_utils.frPyObjects(mask_ann, height, width))
    elif isinstance(mask_ann, dict) and isinstance(
            mask_ann.get('counts'), list):
        rle = mask_utils.frPyObjects(mask_ann, height, width)
    elif isinstance(mask_ann, dict) and 'counts' in mask_ann:
        rle = mask_ann
    else:
        raise TypeError('A mask annotation must be a list of polygons or a '
                        f'COCO RLE dict, got {type(mask_ann).__name__}.')
    bitmap = mask_utils.decode(rle).astype(bool)
    if bitmap.shape != (height, width):
        raise ValueError(f'Mask of size {bitmap.shape} does not match the '
                         f'image size {(height, width)}.')
    return bitmap


def masks_to_numpy(masks: MaskLike) -> np.ndarray:
    """Return instance masks as an (N, H, W) bool array.

    Float masks are refused: they are scores, and binarising them is the
    model's job (its threshold is part of the method).
    """
    if isinstance(masks, BaseInstanceMasks):
        return masks.to_ndarray().astype(bool)
    array = masks.detach().cpu().numpy() if isinstance(
        masks, torch.Tensor) else np.asarray(masks)
    if np.issubdtype(array.dtype, np.floating):
        raise TypeError(f'Masks must be binary (bool), got {array.dtype}; '
                        'threshold them before evaluation.')
    if array.ndim != 3:
        raise ValueError(
            f'Masks must have shape (N, H, W), got {array.shape}.')
    return array.astype(bool)


def union_mask(masks: Optional[MaskLike], shape: Tuple[int,
                                                       int]) -> np.ndarray:
    """Union of instance masks as one (H, W) bool array; empty without
    masks."""
    if masks is None:
        return np.zeros(shape, dtype=bool)
    array = masks_to_numpy(masks)
    if array.shape[0] == 0:
        return np.zeros(shape, dtype=bool)
    return array.any(axis=0)


def select_pred_mask(masks: MaskLike, scores: Scores,
                     shape: Tuple[int, int]) -> np.ndarray:
    """Pick the predicted mask of a sample as an (H, W) bool array.

    A single mask is the prediction; among one mask per scored instance the
    top-scoring one is; no mask means an empty prediction of ``shape``.
    """
    array = masks_to_numpy(masks)
    if array.shape[0] == 0:
        return np.zeros(shape, dtype=bool)
    if array.shape[0] == 1:
        return array[0]
    scores = torch.as_tensor(scores).detach().cpu().reshape(-1)
    if array.shape[0] != scores.numel():
        raise ValueError(f'Got {array.shape[0]} predicted masks for '
                         f'{scores.numel()} scores; cannot tell which mask '
                         'is the prediction.')
    return array[int(scores.argmax())]


def encode_rle(mask: np.ndarray) -> dict:
    """Encode an (H, W) bool mask as COCO RLE with JSON-ready ``str``
    counts."""
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {
        'size': [int(s) for s in rle['size']],
        'counts': rle['counts'].decode('ascii')
    }
