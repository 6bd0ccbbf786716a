"""GroundingFeatures: the typed contract between a grounder's encoders and
its head, so that any encoder can sit under any head."""
import dataclasses
from dataclasses import dataclass
from typing import Optional, Tuple

import torch
from torch import Tensor

from .grounding_queries import GroundingQueries
from .scale_outputs import ScaleOutputs


@dataclass
class GroundingFeatures:
    """What a grounder's encoding step hands to its head.

    Every grounder's ``extract_feat`` returns one; padding masks are made
    there, once per step, and heads read only these fields and the data
    samples. Fields a method does not produce stay ``None``; a head that
    needs one fails with :meth:`require`'s message.

    Args:
        visual: visual tokens (B, N, C), row-major over ``visual_hw``.
        visual_hw: (h, w) grid of the visual tokens, ``h * w == N``.
        visual_mask: (B, N) bool, True on tokens of batch padding.
        input_hw: (H, W) of the padded batch input the grid covers.
        text: text tokens (B, L, D) (fused with the image where the encoder
            fuses).
        text_mask: (B, L) bool, True on padding tokens.
        object_token: pooled visual vector (B, C): BEiT-3's object ([CLS])
            token, TransVG's [REG] token.
        sentence: pooled expression vector (B, D), e.g. BERT's [CLS].
        queries: object queries of the grounder's query stage (its
            ``query_generator`` and ``decoder``), for DETR-style heads.
        scales: per-scale [REG] tokens and patch gates of a scanning
            encoder (ScanFormer), for heads that predict at every scale.
    """

    visual: Tensor
    visual_hw: Tuple[int, int]
    visual_mask: Tensor
    input_hw: Tuple[int, int]
    text: Optional[Tensor] = None
    text_mask: Optional[Tensor] = None
    object_token: Optional[Tensor] = None
    sentence: Optional[Tensor] = None
    queries: Optional[GroundingQueries] = None
    scales: Optional[ScaleOutputs] = None

    def __post_init__(self) -> None:
        self.visual_hw = tuple(int(v) for v in self.visual_hw)
        self.input_hw = tuple(int(v) for v in self.input_hw)
        batch, num = self.visual.shape[:2]
        height, width = self.visual_hw
        if self.visual.dim() != 3 or height * width != num:
            raise ValueError(
                f'visual must be (B, h*w, C) for visual_hw={self.visual_hw}, '
                f'got {tuple(self.visual.shape)}')
        self._check_mask('visual_mask', self.visual_mask, (batch, num))
        if (self.text is None) != (self.text_mask is None):
            raise ValueError('text and text_mask go together.')
        if self.text is not None:
            self._check_mask('text_mask', self.text_mask,
                             (batch, self.text.shape[1]))
        for name in ('object_token', 'sentence'):
            value = getattr(self, name)
            if value is not None and (value.dim() != 2
                                      or value.shape[0] != batch):
                raise ValueError(f'{name} must be (B={batch}, C), got '
                                 f'{tuple(value.shape)}')
        if self.queries is not None and self.queries.embed.shape[0] != batch:
            raise ValueError(f'queries must have B={batch}, got '
                             f'{tuple(self.queries.embed.shape)}')
        if self.scales is not None and self.scales.tokens.shape[0] != batch:
            raise ValueError(f'scales must have B={batch}, got '
                             f'{tuple(self.scales.tokens.shape)}')

    @staticmethod
    def _check_mask(name: str, mask: Tensor, shape: Tuple[int, int]) -> None:
        if tuple(mask.shape) != shape or mask.dtype != torch.bool:
            raise ValueError(f'{name} must be a bool tensor of shape {shape}'
                             f', got {mask.dtype} {tuple(mask.shape)}')

    def require(self, *names: str, by: str) -> None:
        """Fail clearly when a head (``by``) needs fields this encoder
        does not produce; a dotted name reads into :attr:`queries` (e.g.
        ``'queries.states'``)."""
        missing = []
        for name in names:
            value = self
            for part in name.split('.'):
                value = getattr(value, part, None)
                if value is None:
                    missing.append(name)
                    break
        if missing:
            raise ValueError(
                f'{by} needs GroundingFeatures.{", ".join(missing)}, which '
                'this grounder does not produce; pick an encoder (or, for '
                'queries, a query_generator / decoder) that does (see '
                'docs/new_modules.md).')

    def visual_map(self) -> Tensor:
        """The visual tokens as a (B, C, h, w) map."""
        batch, _, channels = self.visual.shape
        return self.visual.transpose(1, 2).reshape(batch, channels,
                                                   *self.visual_hw)

    def visual_mask_map(self) -> Tensor:
        """The padding mask as a (B, h, w) map."""
        return self.visual_mask.reshape(-1, *self.visual_hw)

    def replace(self, **changes) -> 'GroundingFeatures':
        """A copy with some fields replaced (e.g. by an adapter), checked
        again."""
        return dataclasses.replace(self, **changes)
