"""Reference boxes for SimVG's branches: predict refinements of them."""
from typing import Tuple

from mmdet.models.layers.transformer import inverse_sigmoid
from torch import Tensor, nn


class ReferenceRefinement:
    """Mixin for a :class:`mmvg.models.heads.SimVGSetHead`: every query
    comes with a reference box (cxcywh) and each layer predicts a
    refinement of it in logit space, starting from a zero refinement
    (Deformable DETR's two-stage variant) instead of a box from nothing.

    For small branches trained from scratch, whose plain queries stay at
    the mean box for many epochs; the references come from
    :class:`CellProposals` (see :class:`CellProposalQueryGenerator` and
    :class:`SimVGCellHead`).
    """

    def init_weights(self) -> None:
        """Start from a zero refinement: the reference box itself."""
        super().init_weights()
        nn.init.zeros_(self.fc_reg.layers[-1].weight)
        nn.init.zeros_(self.fc_reg.layers[-1].bias)

    def refine_layers(self, hidden_states: Tensor,
                      ref_boxes: Tensor) -> Tuple[Tensor, Tensor]:
        """Class logits (..., Q, 2) and sigmoid cxcywh boxes (..., Q, 4),
        refinements of ``ref_boxes`` (..., Q, 4)."""
        boxes = self.fc_reg(hidden_states) + inverse_sigmoid(
            ref_boxes, eps=1e-3)
        return self.fc_cls(hidden_states), boxes.sigmoid()
