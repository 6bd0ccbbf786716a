"""Dense cell proposals: reference boxes for SimVG's queries."""
from typing import List, Optional, Tuple

import torch
from mmdet.models.layers import MLP
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.models.utils import cell_boxes
from mmvg.registry import MODELS


@MODELS.register_module()
class CellProposals(BaseModule):
    """Score the encoder's visual tokens and regress a box per token.

    The top-scoring cells' boxes become the reference boxes of a DETR
    decoder's queries (the two-stage query selection of Deformable DETR and
    DINO): the decoder then refines a box that already sits on an object,
    which is what lets a small decoder trained from scratch converge (a
    plain DETR query stays at the mean box for many epochs). Built by
    :class:`CellProposalQueryGenerator`; :class:`CellProposalLoss` trains
    it. Boxes are cxcywh normalised by the batch input, each anchored to
    its cell (:func:`mmvg.models.utils.cell_boxes`).

    Args:
        in_channels: width of the visual tokens.
    """

    def __init__(self,
                 in_channels: int = 768,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.score = nn.Linear(in_channels, 1)
        self.box_mlp = MLP(in_channels, in_channels, 4, 2)

    def forward(self, tokens: Tensor, hw: Tuple[int, int],
                padding_mask: Tensor) -> Tuple[Tensor, Tensor]:
        """Cell logits (B, h*w), padding at -inf, and boxes (B, h*w, 4)
        from visual tokens (B, h*w, C) and their (B, h*w) padding mask."""
        logits = self.score(tokens).squeeze(-1).masked_fill(
            padding_mask, float('-inf'))
        return logits, cell_boxes(self.box_mlp(tokens), hw)

    @staticmethod
    def top_boxes(logits: Tensor, boxes: Tensor, num: int,
                  img_metas: List[dict]) -> Tensor:
        """Boxes (B, num, 4) of the ``num`` best cells, detached and
        renormalised by each sample's ``img_shape`` (the DETR convention)."""
        index = logits.topk(num, dim=-1).indices
        top = boxes.detach().gather(1, index[..., None].expand(-1, -1, 4))
        scales = [
            top.new_tensor(meta['batch_input_shape'][::-1]) /
            top.new_tensor(meta['img_shape'][:2][::-1]) for meta in img_metas
        ]
        return top * torch.stack(scales).repeat(1, 2)[:, None]
