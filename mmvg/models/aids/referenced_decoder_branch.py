"""SimVG's decoder branch refining reference boxes."""
from typing import Tuple

from torch import Tensor

from mmvg.models.heads import SimVGDecoderBranch
from mmvg.registry import MODELS
from .reference_refinement import ReferenceRefinement


@MODELS.register_module()
class ReferencedDecoderBranch(ReferenceRefinement, SimVGDecoderBranch):
    """:class:`SimVGDecoderBranch` whose queries refine reference boxes
    (see :class:`ReferenceRefinement`): the reference embedding joins the
    query position."""

    def forward(self, visual: Tensor, hw: Tuple[int, int], query_pos: Tensor,
                padding_mask: Tensor,
                ref_boxes: Tensor) -> Tuple[Tensor, Tensor]:
        """As :meth:`SimVGDecoderBranch.forward`, with reference cxcywh
        boxes (B, Q, 4)."""
        hidden = self.hidden_states(visual, hw,
                                    query_pos + self.ref_embed(ref_boxes),
                                    padding_mask)
        return self.refine_layers(hidden, ref_boxes)
