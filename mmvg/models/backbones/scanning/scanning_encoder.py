"""ScanFormer's scanning encoder: the text first, then an image pyramid
from the coarsest scale down, each scale reading only the patches the
previous one selected (Su et al., CVPR 2024), over any encoder with
registered scan operations (ViLT as in the paper, BEiT-3, ...)."""
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.models.utils import batch_padding_mask
from mmvg.registry import MODELS
from ...layers.constant_token_merge import (MergedTokens, assemble_merged,
                                            plan_merge, scatter_back)
from ...layers.patch_selection import expand_to_children, gate_inputs
from ...layers.segment_kv_cache import SegmentKVCache
from .scan_ops import TEXT, VISION, scan_ops_for

#: ``exit_rule(scale, reg, patches, grid, read)`` -> (B,) bool: the
#: samples whose scale-``scale`` outputs ([REG] (B, C), normed patches
#: (B, h*w, C) on the ``grid``, ``read`` (B, h*w) bool the patches read)
#: are good enough to stop scanning.
ExitRule = Callable[[int, Tensor, Tensor, Tuple[int, int], Tensor], Tensor]


def key_bias_of(padding: Tensor, dtype: torch.dtype) -> Tensor:
    """Additive key bias from a (B, N) bool mask, True = not attended."""
    return torch.zeros(
        padding.shape, dtype=dtype,
        device=padding.device).masked_fill(padding, float('-inf'))


def valid_grid(present: Tensor) -> Tensor:
    """(B, 2) unpadded rows and columns of a (B, h, w) presence map."""
    return torch.stack(
        [present.any(dim=2).sum(dim=1),
         present.any(dim=1).sum(dim=1)], dim=1)


@MODELS.register_module()
class ScanningEncoder(BaseModule):
    """Coarse-to-fine scanning with an encoder split into Encoder1 (the
    first ``split`` blocks) and Encoder2 (the rest).

    The text is encoded alone and cached. Scale ``s`` (side ``H /
    factor**(num_scales - 1 - s)``) enters as one segment: its [REG] token
    and its patches, each kept patch as itself and each dropped one as the
    learnable constant token. The segment attends to itself, the text and
    the earlier scales through the cache. Encoder1's patch outputs feed the
    scale's :class:`PatchSelector`, whose gates choose the next scale's
    patches (children of a dropped patch stay dropped); Encoder2's [REG]
    output is that scale's box feature. The coarsest scale reads all its
    patches. Patches in the batch padding (``img_shapes``) are not
    attended to at any scale. At inference a sample whose selection keeps
    no patch of a scale stops before it: its prediction is the previous
    scale's (``exit_scale``).

    In training every patch stays in the sequence with its straight-through
    gate on the input, so each gate gets a gradient. At inference
    (``merge_dropped=True``) the kept patches are gathered and the dropped
    ones merged into one key with a ``log(count)`` bias: the same values,
    with compute that falls with the number kept.

    Args:
        encoder: config of the encoder to scan with (``ViLT``, ``BEiT3``,
            or any class with registered scan operations).
        num_scales: pyramid scales; the last one is the input image.
        factor: side ratio of successive scales.
        split: blocks in Encoder1 (default: half of them).
        selector: config of the selection module (``embed_dims`` is set).
        merge_dropped: gather kept patches at inference (else run every
            patch, as in training).
        init_cfg: mmengine init config.
    """

    def __init__(self,
                 encoder: dict,
                 num_scales: int = 3,
                 factor: int = 2,
                 split: Optional[int] = None,
                 selector: dict = dict(type='PatchSelector'),
                 merge_dropped: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.encoder = MODELS.build(encoder)
        self.ops = scan_ops_for(self.encoder)
        num_blocks = self.ops.num_blocks
        self.split = num_blocks // 2 if split is None else split
        if not 0 < self.split < num_blocks:
            raise ValueError(f'split must leave blocks on both sides of '
                             f'{num_blocks}, got {self.split}')
        self.num_scales = num_scales
        self.factor = factor
        self.merge_dropped = merge_dropped
        dims = self.ops.embed_dims
        self.reg_tokens = nn.Parameter(torch.zeros(num_scales, dims))
        self.constant_token = nn.Parameter(torch.zeros(dims))
        self.selectors = nn.ModuleList([
            MODELS.build(dict(selector, embed_dims=dims))
            for _ in range(num_scales - 1)
        ])
        nn.init.trunc_normal_(self.reg_tokens, std=0.02)
        nn.init.trunc_normal_(self.constant_token, std=0.02)

    @property
    def embed_dims(self) -> int:
        return self.ops.embed_dims

    def scale_sizes(self, height: int, width: int) -> List[Tuple[int, int]]:
        """Image sizes of the pyramid, coarsest first; every one must be a
        multiple of the patch size."""
        patch = self.ops.patch_size
        sizes = []
        for s in range(self.num_scales):
            div = self.factor**(self.num_scales - 1 - s)
            if height % (div * patch) or width % (div * patch):
                raise ValueError(
                    f'input {height}x{width} is not divisible by {div} x '
                    f'patch {patch} for scale {s} of {self.num_scales}; pad '
                    f'the batch to a multiple of {div * patch}')
            sizes.append((height // div, width // div))
        return sizes

    def _scale_input(
        self, img: Tensor, size: Tuple[int, int],
        img_shapes: Optional[Sequence[Tuple[int, int]]]
    ) -> Tuple[Tensor, Tensor, Optional[Tensor]]:
        """A scale's image, its (B, h*w) patch presence (False on batch
        padding) and the unpadded patch grids (None without padding)."""
        scaled = img if tuple(img.shape[-2:]) == size else F.interpolate(
            img, size=size, mode='bilinear', antialias=True)
        patch = self.ops.patch_size
        grid = (size[0] // patch, size[1] // patch)
        if img_shapes is None:
            present = img.new_ones((len(img), *grid), dtype=torch.bool)
        else:
            present = ~batch_padding_mask(img, tuple(img.shape[-2:]),
                                          img_shapes, grid)
        valid_hw = None if bool(present.all()) else valid_grid(present)
        return scaled, present.flatten(1), valid_hw

    def _segment(self, scaled: Tensor, valid_hw: Optional[Tensor],
                 gates: Tensor, present: Tensor,
                 reg: Tensor) -> Tuple[Tensor, Tensor, Optional[MergedTokens]]:
        """The scale's input tokens ([REG] first), their key bias and, when
        merged, the gathering record. Merged, only the kept patches are
        embedded."""
        reg_bias = reg.new_zeros(len(reg), 1)
        if self.training or not self.merge_dropped:
            patches = self.ops.embed_patches(scaled, valid_hw)
            tokens = gate_inputs(patches, gates, self.constant_token)
            bias = key_bias_of(~present, patches.dtype)
            return (torch.cat([reg, tokens], 1), torch.cat([reg_bias, bias],
                                                           1), None)
        plan = plan_merge(gates > 0.5, present)
        merged = assemble_merged(
            self.ops.embed_patches(scaled, valid_hw, plan.index), plan,
            self.constant_token)
        return (torch.cat([reg, merged.tokens],
                          1), torch.cat([reg_bias, merged.key_bias],
                                        1), merged)

    @staticmethod
    def _per_patch(out: Tensor, merged: Optional[MergedTokens],
                   num: int) -> Tensor:
        """(B, num, C) per-patch outputs of a scale segment's output
        ([REG] first); dropped patches get the constant token's."""
        return out[:, 1:] if merged is None else scatter_back(
            merged, out[:, 1:], num)

    def forward(self,
                img: Tensor,
                text_ids: Tensor,
                text_padding_mask: Tensor,
                img_shapes: Optional[Sequence[Tuple[int, int]]] = None,
                exit_rule: Optional[ExitRule] = None) -> Dict:
        """Scan ``img`` (B, 3, H, W) for the expression.

        Args:
            img: the padded batch input.
            text_ids: (B, L) token ids of the encoder's tokenizer.
            text_padding_mask: (B, L) bool, True at padding.
            img_shapes: each sample's (h, w) before batch padding.
            exit_rule: stops a sample after a scale when it returns True
                for it: the sample reads no patch of later scales and its
                prediction is that scale's; the scan ends when every
                sample has stopped.

        Returns:
            dict: ``reg`` (B, S, C) normed [REG] outputs of the S scales
            run, ``patches`` (one (B, N_s, C) tensor per scale: normed
            patch outputs, dropped positions carrying the constant token's),
            ``gates`` (one (B, N_s) 0/1 tensor per scale, 1 = read),
            ``scores`` (one (B, N_s) tensor per scale: the selection's
            probability of reading each patch, 0 where its parent was not
            read, 1 at the coarsest scale),
            ``present`` (one (B, N_s) bool per scale, False on padding),
            ``grids`` ((h, w) per scale), ``exit_scale`` (B,) the scale
            whose [REG] is each sample's prediction and ``text``
            (B, L, C).
        """
        ops = self.ops
        cache = SegmentKVCache(ops.num_blocks)
        text = ops.embed_text(text_ids, text_padding_mask)
        text = ops.encode(text, key_bias_of(text_padding_mask, text.dtype),
                          cache, 0, ops.num_blocks, TEXT)
        batch, last = len(img), self.num_scales - 1
        active = text_ids.new_ones(batch, dtype=torch.bool)
        exit_scale = text_ids.new_full((batch, ), last)
        regs, all_patches, all_gates, all_present, grids = [], [], [], [], []
        all_scores, selection = [], None
        for s, size in enumerate(self.scale_sizes(*img.shape[-2:])):
            scaled, present, valid_hw = self._scale_input(
                img, size, img_shapes)
            grid = (size[0] // ops.patch_size, size[1] // ops.patch_size)
            if s == 0:
                gates = scores = present.to(img.dtype)
            else:
                gates, scores = (
                    expand_to_children(value, grids[-1], self.factor)
                    for value in selection)
            gates = gates * (present & active[:, None]).to(gates.dtype)
            if s > 0 and not self.training:
                # nothing selected to read: the previous scale is the last
                empty = active & ~(gates > 0.5).any(dim=1)
                exit_scale[empty] = s - 1
                active = active & ~empty
            reg = self.reg_tokens[s].expand(batch, 1, -1)
            tokens, bias, merged = self._segment(scaled, valid_hw, gates,
                                                 present, reg)
            out = ops.encode(tokens, bias, cache, 0, self.split, VISION)
            if s < last:
                gates_s, scores_s = self.selectors[s](
                    self._per_patch(out, merged, present.shape[1]))
                selection = (gates_s * gates, scores_s * gates.detach())
            out = ops.encode(out, bias, cache, self.split, ops.num_blocks,
                             VISION)
            regs.append(ops.norm(out[:, 0], VISION))
            all_patches.append(
                ops.norm(
                    self._per_patch(out, merged, present.shape[1]), VISION))
            all_gates.append(gates)
            all_scores.append(scores)
            all_present.append(present)
            grids.append(grid)
            if exit_rule is not None and s < last:
                read = (gates > 0.5) & present
                done = exit_rule(s, regs[-1], all_patches[-1], grid,
                                 read) & active
                exit_scale[done] = s
                active = active & ~done
                if not active.any():
                    break
        return dict(
            reg=torch.stack(regs, 1),
            patches=all_patches,
            gates=all_gates,
            scores=all_scores,
            present=all_present,
            grids=grids,
            exit_scale=exit_scale,
            text=ops.norm(text, TEXT))
