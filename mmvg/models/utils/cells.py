"""The cell grid of a visual token map: which cell holds a box centre,
boxes anchored to cells, and per-cell targets. Shared by dense heads and
the from-scratch proposal aids."""
from typing import List, Sequence, Tuple

import torch
from mmdet.structures.bbox import bbox_xyxy_to_cxcywh
from mmengine.structures import InstanceData
from torch import Tensor

#: (B, h*w) target distribution over the cells, and per sample the target
#: cells and normalised cxcywh targets.
CellTargets = Tuple[Tensor, List[Tensor], List[Tensor]]


def center_cells(target: Tensor, hw: Tuple[int, int]) -> Tensor:
    """Index (B,) of the cell of an (h, w) grid over the batch input that
    holds each normalised cxcywh target's centre."""
    height, width = hw
    col = (target[:, 0] * width).long().clamp(0, width - 1)
    row = (target[:, 1] * height).long().clamp(0, height - 1)
    return row * width + col


def cell_grid(hw: Tuple[int, int], ref: Tensor) -> Tensor:
    """(column, row) of every cell of an (h, w) grid in row-major order,
    (h*w, 2) in ``ref``'s dtype and device."""
    height, width = hw
    rows, cols = torch.meshgrid(
        torch.arange(height, device=ref.device),
        torch.arange(width, device=ref.device),
        indexing='ij')
    return torch.stack([cols.flatten(), rows.flatten()], dim=-1).to(ref)


def cell_boxes(raw: Tensor, hw: Tuple[int, int]) -> Tensor:
    """Normalised cxcywh (B, h*w, 4) of one box per cell of an (h, w) grid
    from raw outputs (B, h*w, 4): the centre lies inside its own cell
    (sigmoid offsets), the size is a sigmoid fraction of the input.
    Anchoring each box to its cell gives the absolute position that a small
    model trained from scratch does not learn to regress."""
    offsets = raw.sigmoid()
    grid_size = raw.new_tensor(hw[::-1])
    centres = (cell_grid(hw, raw) + offsets[..., :2]) / grid_size
    return torch.cat([centres, offsets[..., 2:]], dim=-1)


def take_cells(values: Tensor, index: Tensor) -> Tensor:
    """Row ``index[b]`` of each sample: (B, N, ...) -> (B, ...)."""
    return values[torch.arange(len(index), device=index.device), index]


def cell_targets(gt_instances: Sequence[InstanceData],
                 img_metas: Sequence[dict], hw: Tuple[int, int],
                 ref: Tensor) -> CellTargets:
    """Per sample: the cells holding its target centres, as a (B, h*w)
    distribution, and the (cell indices, normalised cxcywh targets)."""
    dist = ref.new_zeros(len(gt_instances), hw[0] * hw[1])
    cells, targets = [], []
    for i, (gt, meta) in enumerate(zip(gt_instances, img_metas)):
        height, width = meta['batch_input_shape']
        scale = ref.new_tensor([width, height, width, height])
        target = bbox_xyxy_to_cxcywh(gt.bboxes.to(ref)) / scale
        index = center_cells(target, hw)
        if len(index):
            dist[i].index_add_(0, index, dist.new_ones(len(index)))
        cells.append(index)
        targets.append(target)
    return dist / dist.sum(-1, keepdim=True).clamp(min=1), cells, targets
