"""SimVG's decoder branch refining reference boxes."""
from typing import Tuple

from torch import Tensor

from mmvg.models.heads import SimVGDecoderBranch
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .reference_refinement import ReferenceRefinement


@MODELS.register_module()
class ReferencedDecoderBranch(ReferenceRefinement, SimVGDecoderBranch):
    """:class:`SimVGDecoderBranch` whose every layer refines the queries'
    reference boxes (see :class:`ReferenceRefinement`); pairs with a
    :class:`ReferencedQueryDecoder`."""

    def forward(self, feats: GroundingFeatures) -> Tuple[Tensor, Tensor]:
        """As :meth:`SimVGDecoderBranch.forward`, refining
        ``feats.queries.reference_boxes``."""
        feats.require(
            'queries.states',
            'queries.reference_boxes',
            by=type(self).__name__)
        return self.refine_layers(feats.queries.states,
                                  feats.queries.reference_boxes)
