"""SimVG's decoder branch (DB): class and box from the decoder's queries."""
from typing import Tuple

from torch import Tensor

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .simvg_set_head import SimVGSetHead


@MODELS.register_module()
class SimVGDecoderBranch(SimVGSetHead):
    """The DB's predictor: every decoder layer's query states
    (``feats.queries.states``, from the grounder's ``decoder``, e.g.
    :class:`VisualQueryDecoder`) go to a class and a box, so every layer is
    supervised (auxiliary losses). See :class:`SimVGSetHead` for the
    arguments."""

    def forward(self, feats: GroundingFeatures) -> Tuple[Tensor, Tensor]:
        """Class logits (L, B, Q, 2) and sigmoid cxcywh (L, B, Q, 4), one
        row per decoder layer."""
        feats.require('queries.states', by=type(self).__name__)
        return self.predict_layers(feats.queries.states)
