"""ScanFormer's head: a box from every scale's [REG] token, the last (or
the early-exit) scale's box as the prediction."""
from typing import Callable, List, Optional, Sequence, Tuple

import torch
from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import bbox_cxcywh_to_xyxy, bbox_overlaps
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures, ScaleOutputs
from .base_box_head import BaseBoxHead

#: (reg (B, C), patches (B, h*w, C), grid, read (B, h*w) bool) -> (B, 4)
#: normalised cxcywh
BoxFn = Callable[[Tensor, Tensor, Tuple[int, int], Tensor], Tensor]


class BoxAgreementExit:
    """Early exit when successive scales agree: a sample stops after scale
    ``s >= 1`` when IoU(box of ``s``, box of ``s - 1``) >= ``iou_thr``.

    Stateful over one scan (it keeps the previous scale's boxes); the head
    makes a fresh one per batch.

    Args:
        box_fn: a scale's outputs -> its (B, 4) normalised cxcywh boxes.
        iou_thr: the agreement that stops a sample.
    """

    def __init__(self, box_fn: BoxFn, iou_thr: float) -> None:
        self.box_fn = box_fn
        self.iou_thr = iou_thr
        self.previous: Optional[Tensor] = None

    def __call__(self, scale: int, reg: Tensor, patches: Tensor,
                 grid: Tuple[int, int], read: Tensor) -> Tensor:
        boxes = bbox_cxcywh_to_xyxy(self.box_fn(reg, patches, grid, read))
        previous, self.previous = self.previous, boxes
        if previous is None:
            return boxes.new_zeros(len(boxes), dtype=torch.bool)
        return bbox_overlaps(boxes, previous, is_aligned=True) >= self.iou_thr


@MODELS.register_module()
class ScaleRegHead(BaseBoxHead):
    """One 3-layer MLP (shared by the scales) regresses a sigmoid cxcywh
    box from each scale's [REG] token (``feats.scales.tokens``); L1 + GIoU
    at every scale, weighted per scale, plus the patch budget loss on the
    selection gates. The prediction is the box of each sample's
    ``exit_scale`` (the finest scale without early exit).

    Args:
        in_channels: width of the [REG] tokens.
        scale_weights: loss weight of each scale, coarsest first (default
            1 for every scale).
        loss_budget: config of the budget loss on the gates of the selected
            scales (``PatchBudgetLoss``); None trains without it.
        early_exit: ``dict(iou_thr=...)`` turns on :class:`BoxAgreementExit`
            at inference; None scans every scale.
        loss_bbox, loss_iou: see :class:`BaseBoxHead`.
    """

    def __init__(self,
                 in_channels: int = 256,
                 scale_weights: Optional[Sequence[float]] = None,
                 loss_budget: Optional[dict] = dict(
                     type='PatchBudgetLoss', target_ratio=0.35),
                 early_exit: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self._init_layers(in_channels)
        self.scale_weights = None if scale_weights is None else list(
            scale_weights)
        self.loss_budget: Optional[nn.Module] = None if loss_budget is None \
            else MODELS.build(loss_budget)
        self.early_exit = early_exit

    def _init_layers(self, in_channels: int) -> None:
        """The box MLP on the [REG] tokens."""
        self.reg_mlp = MLP(in_channels, in_channels, 4, 3)

    def scale_box(self, reg: Tensor, patches: Tensor, grid: Tuple[int, int],
                  read: Tensor) -> Tensor:
        """(B, 4) normalised cxcywh box of one scale: the MLP on its [REG]
        token (B, C); the patches (B, h*w, C) on ``grid`` and the ``read``
        ones (B, h*w) serve heads that read patches instead."""
        return self.reg_mlp(reg).sigmoid()

    def readable(self, scales: ScaleOutputs, s: int) -> Tensor:
        """(B, N_s) patches a head may read at scale ``s``: the present ones
        in training (every patch is in the sequence), those read at
        inference."""
        if self.training:
            return scales.present[s]
        return (scales.gates[s] > 0.5) & scales.present[s]

    def forward(self, feats: GroundingFeatures) -> Tensor:
        """(B, S, 4) normalised cxcywh box of every scale run."""
        feats.require('scales', by=type(self).__name__)
        scales = feats.scales
        return torch.stack([
            self.scale_box(scales.tokens[:, s], scales.patches[s],
                           scales.grids[s], self.readable(scales, s))
            for s in range(scales.tokens.shape[1])
        ], 1)

    def exit_rule(self) -> Optional[BoxAgreementExit]:
        """A fresh early-exit rule for one scan, or None when off."""
        if self.early_exit is None:
            return None
        return BoxAgreementExit(self.scale_box, **self.early_exit)

    def weights_of(self, scales: ScaleOutputs) -> List[float]:
        """The loss weight of each scale run."""
        num_scales = scales.tokens.shape[1]
        weights = self.scale_weights or [1.0] * num_scales
        if len(weights) != num_scales:
            raise ValueError(f'scale_weights has {len(weights)} entries for '
                             f'{num_scales} scales')
        return weights

    def budget_losses(self, feats: GroundingFeatures) -> dict:
        """``loss_budget`` on the gates of the selected (finer) scales, or
        nothing without a budget loss."""
        if self.loss_budget is None:
            return {}
        scales = feats.scales
        return dict(
            loss_budget=self.loss_budget(scales.gates[1:], scales.present[1:]))

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> dict:
        """L1 + GIoU of every scale's box (``loss_bbox_s{s}``,
        ``loss_iou_s{s}``) and the budget loss."""
        boxes = self(feats)
        target = self.gt_targets(data_samples, boxes)
        losses = self.budget_losses(feats)
        for s, weight in enumerate(self.weights_of(feats.scales)):
            for name, value in self.box_losses(boxes[:, s], target).items():
                losses[f'{name}_s{s}'] = weight * value
        return losses

    def predict(self,
                feats: GroundingFeatures,
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        boxes = self(feats)
        pred = boxes[torch.arange(len(boxes)), feats.scales.exit_scale]
        scores = pred.new_ones(len(pred), 1)
        return self.to_instances(pred[:, None], scores, data_samples, rescale)
