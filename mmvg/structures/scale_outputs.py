"""ScaleOutputs: what a scanning encoder (ScanFormer) reports per pyramid
scale, for heads that predict at every scale."""
import dataclasses
from dataclasses import dataclass
from typing import List, Tuple

import torch
from torch import Tensor


@dataclass
class ScaleOutputs:
    """Per-scale outputs of a coarse-to-fine scan, coarsest scale first.

    Args:
        tokens: (B, S, C) [REG] output of each of the S scales run.
        patches: one (B, N_s, C) tensor per scale: the patch outputs on the
            scale's full grid (dropped patches carry the constant token's).
        gates: one (B, N_s) 0/1 tensor per scale: the patches read (in
            training with the straight-through gradient of the selection).
        scores: one (B, N_s) tensor per scale: the selection's probability
            of reading each patch (its parent's score; 0 where the parent
            was not read, 1 at the coarsest scale), for losses that
            supervise the selection.
        present: one (B, N_s) bool tensor per scale, False on batch
            padding.
        grids: (h, w) patch grid of each scale.
        exit_scale: (B,) the scale whose [REG] token gives each sample's
            prediction (the last one without early exit).
    """

    tokens: Tensor
    patches: List[Tensor]
    gates: List[Tensor]
    scores: List[Tensor]
    present: List[Tensor]
    grids: List[Tuple[int, int]]
    exit_scale: Tensor

    def __post_init__(self) -> None:
        batch, num_scales = self.tokens.shape[:2]
        lists = dict(
            patches=self.patches,
            gates=self.gates,
            scores=self.scores,
            present=self.present,
            grids=self.grids)
        for name, values in lists.items():
            if len(values) != num_scales:
                raise ValueError(f'ScaleOutputs.{name} has {len(values)} '
                                 f'entries for {num_scales} scales')
        for patches, gates, scores, present, (h, w) in zip(
                self.patches, self.gates, self.scores, self.present,
                self.grids):
            shapes = (patches.shape[:2], gates.shape, scores.shape,
                      present.shape)
            if any(shape != (batch, h * w) for shape in shapes):
                raise ValueError(
                    f'patches, gates, scores and present must be (B={batch}, '
                    f'{h * w}, ...) for grid {(h, w)}, got '
                    f'{[tuple(shape) for shape in shapes]}')
        if self.exit_scale.shape != (batch, ):
            raise ValueError(f'exit_scale must be (B={batch},), got '
                             f'{tuple(self.exit_scale.shape)}')

    def kept_share(self) -> Tensor:
        """(S,) share of the present patches read at each scale."""
        return torch.stack([
            gates.detach().sum() / present.sum().clamp(min=1)
            for gates, present in zip(self.gates, self.present)
        ])

    def replace(self, **changes) -> 'ScaleOutputs':
        """A copy with some fields replaced, checked again."""
        return dataclasses.replace(self, **changes)
