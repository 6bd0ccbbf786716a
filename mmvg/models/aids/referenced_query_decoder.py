"""The decoding step with reference boxes in the query positions."""
from mmdet.models.layers import MLP
from torch import Tensor

from mmvg.models.layers import VisualQueryDecoder
from mmvg.registry import MODELS
from mmvg.structures import GroundingQueries


@MODELS.register_module()
class ReferencedQueryDecoder(VisualQueryDecoder):
    """:class:`VisualQueryDecoder` whose query positions also embed each
    query's reference box (``queries.reference_boxes``, from
    :class:`CellProposalQueryGenerator`), so that a query knows the box it
    refines (:class:`ReferencedDecoderBranch`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ref_embed = MLP(4, self.embed_dims, self.embed_dims, 2)

    def query_pos(self, queries: GroundingQueries) -> Tensor:
        """Query embeddings plus the reference boxes' embeddings."""
        if queries.reference_boxes is None:
            raise ValueError('ReferencedQueryDecoder needs queries with '
                             'reference_boxes (CellProposalQueryGenerator).')
        return queries.embed + self.ref_embed(queries.reference_boxes)
