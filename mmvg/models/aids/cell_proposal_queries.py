"""Query generation that also selects reference boxes among cell
proposals."""
from typing import List, Optional

from mmengine.model import BaseModule

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures, GroundingQueries


@MODELS.register_module()
class CellProposalQueryGenerator(BaseModule):
    """A grounder's ``query_generator`` (e.g. SimVG's TQG) whose queries
    also get reference boxes: the boxes of the best :class:`CellProposals`
    (Deformable DETR's two-stage query selection), for small decoders
    trained from scratch. The proposals travel with the queries, for the
    head's :class:`CellProposalLoss` and its token branch.

    Args:
        query_generator: the query generator config it wraps.
        proposals: ``CellProposals`` config (``in_channels`` given).
        in_channels: width of the visual tokens.
    """

    def __init__(self,
                 query_generator: dict,
                 proposals: dict = dict(type='CellProposals'),
                 in_channels: int = 768,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.query_generator = MODELS.build(query_generator)
        self.proposals = MODELS.build(dict(proposals, in_channels=in_channels))

    def forward(self, feats: GroundingFeatures,
                img_metas: List[dict]) -> GroundingQueries:
        """The wrapped queries with the best cells' boxes as references."""
        queries = self.query_generator(feats, img_metas)
        logits, boxes = self.proposals(feats.visual, feats.visual_hw,
                                       feats.visual_mask)
        return queries.replace(
            reference_boxes=self.proposals.top_boxes(logits, boxes,
                                                     queries.embed.shape[1],
                                                     img_metas),
            proposal_scores=logits,
            proposal_boxes=boxes)
