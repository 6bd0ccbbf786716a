"""ScanFormer's scanning encoder over ViLT: the text first, then an image
pyramid from the coarsest scale down, each scale reading only the patches
the previous one selected (Su et al., CVPR 2024)."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.registry import MODELS
from ...layers.constant_token_merge import merge_constant_tokens, scatter_back
from ...layers.patch_selection import expand_to_children, gate_inputs
from ...layers.segment_kv_cache import SegmentKVCache, encode_segment


@MODELS.register_module()
class ScanningViLT(BaseModule):
    """Coarse-to-fine scanning with a ViLT encoder split into Encoder1
    (the first ``split`` blocks) and Encoder2 (the rest).

    The text is encoded alone and cached. Scale ``s`` (side ``H /
    factor**(num_scales - 1 - s)``) enters as one segment: its [REG] token
    and its patches, each kept patch as itself and each dropped one as the
    learnable constant token. The segment attends to itself, the text and
    the earlier scales through the cache. Encoder1's patch outputs feed the
    scale's :class:`PatchSelector`, whose gates choose the next scale's
    patches (children of a dropped patch stay dropped); Encoder2's [REG]
    output is that scale's box feature. The coarsest scale reads all its
    patches.

    In training every patch stays in the sequence with its straight-through
    gate on the input, so each gate gets a gradient. At inference
    (``merge_dropped=True``) the kept patches are gathered and the dropped
    ones merged into one key with a ``log(count)`` bias: the same values,
    with compute that falls with the number kept.

    Args:
        vilt: config of the :class:`ViLT` encoder.
        num_scales: pyramid scales; the last one is the input image.
        factor: side ratio of successive scales.
        split: blocks in Encoder1 (default: half of them).
        selector: config of the selection module (``embed_dims`` is set).
        merge_dropped: gather kept patches at inference (else run every
            patch, as in training).
        init_cfg: mmengine init config.
    """

    def __init__(self,
                 vilt: dict,
                 num_scales: int = 3,
                 factor: int = 2,
                 split: Optional[int] = None,
                 selector: dict = dict(type='PatchSelector'),
                 merge_dropped: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.vilt = MODELS.build(vilt)
        num_blocks = len(self.vilt.blocks)
        self.split = num_blocks // 2 if split is None else split
        if not 0 < self.split < num_blocks:
            raise ValueError(f'split must leave blocks on both sides of '
                             f'{num_blocks}, got {self.split}')
        self.num_scales = num_scales
        self.factor = factor
        self.merge_dropped = merge_dropped
        dims = self.vilt.embed_dims
        self.reg_tokens = nn.Parameter(torch.zeros(num_scales, dims))
        self.constant_token = nn.Parameter(torch.zeros(dims))
        self.selectors = nn.ModuleList([
            MODELS.build(dict(selector, embed_dims=dims))
            for _ in range(num_scales - 1)
        ])
        nn.init.trunc_normal_(self.reg_tokens, std=0.02)
        nn.init.trunc_normal_(self.constant_token, std=0.02)

    def scale_sizes(self, height: int, width: int) -> List[Tuple[int, int]]:
        """Image sizes of the pyramid, coarsest first; every one must be a
        multiple of the patch size."""
        patch = self.vilt.transformer.patch_size
        sizes = []
        for s in range(self.num_scales):
            div = self.factor**(self.num_scales - 1 - s)
            if height % (div * patch) or width % (div * patch):
                raise ValueError(
                    f'input {height}x{width} is not divisible by {div} x '
                    f'patch {patch} for scale {s} of {self.num_scales}')
            sizes.append((height // div, width // div))
        return sizes

    def _scale_patches(self, img: Tensor,
                       size: Tuple[int, int]) -> Tuple[Tensor, tuple]:
        if tuple(img.shape[-2:]) != size:
            img = F.interpolate(
                img, size=size, mode='bilinear', antialias=True)
        tokens, grid = self.vilt.embed_image(img)
        return tokens[:, 1:], grid  # the image [CLS] is not used

    def _segment(self, patches: Tensor, gates: Tensor,
                 reg: Tensor) -> Tuple[Tensor, Tensor, Optional[object]]:
        """The scale's input tokens, their key bias and, when merged, the
        gathering record."""
        batch = len(patches)
        reg_bias = patches.new_zeros(batch, 1)
        if self.training or not self.merge_dropped:
            tokens = gate_inputs(patches, gates, self.constant_token)
            bias = patches.new_zeros(batch, tokens.shape[1])
            return torch.cat([reg, tokens], 1), torch.cat([reg_bias, bias],
                                                          1), None
        merged = merge_constant_tokens(patches, gates > 0.5,
                                       self.constant_token)
        return (torch.cat([reg, merged.tokens],
                          1), torch.cat([reg_bias, merged.key_bias],
                                        1), merged)

    def forward(self, img: Tensor, input_ids: Tensor,
                text_padding_mask: Tensor) -> Dict:
        """Scan ``img`` (B, 3, H, W) for the expression.

        Returns:
            dict: ``reg`` (B, num_scales, C) normed [REG] outputs per scale,
            ``gates`` (one (B, N_s) 0/1 tensor per scale, 1 = read),
            ``grids`` ((h, w) per scale), ``text`` (B, L, C).
        """
        blocks = self.vilt.blocks
        cache = SegmentKVCache(len(blocks))
        text = self.vilt.embed_text(input_ids)
        text_bias = torch.zeros_like(
            text_padding_mask,
            dtype=text.dtype).masked_fill(text_padding_mask, float('-inf'))
        text = encode_segment(blocks, text, text_bias, cache)
        regs, all_gates, grids = [], [], []
        selected = None
        for s, size in enumerate(self.scale_sizes(*img.shape[-2:])):
            patches, grid = self._scale_patches(img, size)
            gates = patches.new_ones(patches.shape[:2]) if s == 0 else \
                expand_to_children(selected, grids[-1], self.factor)
            reg = self.reg_tokens[s].expand(len(patches), 1, -1)
            tokens, bias, merged = self._segment(patches, gates, reg)
            mid = encode_segment(blocks[:self.split], tokens, bias, cache)
            if s < self.num_scales - 1:
                outs = mid[:, 1:] if merged is None else scatter_back(
                    merged, mid[:, 1:], patches.shape[1])
                selected = self.selectors[s](outs) * gates
            out = encode_segment(blocks[self.split:], mid, bias, cache,
                                 self.split)
            regs.append(self.vilt.transformer.norm(out[:, 0]))
            all_gates.append(gates)
            grids.append(grid)
        return dict(
            reg=torch.stack(regs, 1),
            gates=all_gates,
            grids=grids,
            text=self.vilt.transformer.norm(text))
