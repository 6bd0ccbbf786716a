"""GroundingQueries: what a grounder's query stage (query generation, then
decoding) hands to its head, beside the encoder's features."""
import dataclasses
from dataclasses import dataclass
from typing import Optional

from torch import Tensor


@dataclass
class GroundingQueries:
    """Object queries of a DETR-style grounder (mmdet's ``pre_decoder`` /
    ``forward_decoder`` outputs), carried by
    :attr:`GroundingFeatures.queries`.

    Args:
        embed: (B, Q, D) query embeddings, the decoder's query positions
            (SimVG's TQG output).
        states: (L, B, Q, D) the decoder's output, one row per layer;
            ``None`` when no decoder ran (e.g. SimVG's token branch alone at
            test time).
        reference_boxes: (B, Q, 4) sigmoid cxcywh boxes, normalised by each
            sample's ``img_shape``, that the queries refine (two-stage query
            selection); ``None`` for plain queries.
        proposal_scores: (B, N) logits of the proposals the references were
            selected from, one per visual token, padding at -inf.
        proposal_boxes: (B, N, 4) cxcywh box of each proposal, normalised by
            the batch input.
    """

    embed: Tensor
    states: Optional[Tensor] = None
    reference_boxes: Optional[Tensor] = None
    proposal_scores: Optional[Tensor] = None
    proposal_boxes: Optional[Tensor] = None

    def __post_init__(self) -> None:
        if self.embed.dim() != 3:
            raise ValueError('embed must be (B, Q, D), got '
                             f'{tuple(self.embed.shape)}')
        batch, num, dims = self.embed.shape
        expected = dict(
            states=(batch, num, dims),
            reference_boxes=(batch, num, 4),
            proposal_scores=(batch, ),
            proposal_boxes=(batch, ))
        for name, shape in expected.items():
            value = getattr(self, name)
            if value is None:
                continue
            got = tuple(value.shape)
            if name == 'states':
                got = got[1:]
            if got[:len(shape)] != shape:
                raise ValueError(f'{name} must start with {shape} for embed '
                                 f'{tuple(self.embed.shape)}, got '
                                 f'{tuple(value.shape)}')
        if (self.proposal_scores is None) != (self.proposal_boxes is None):
            raise ValueError('proposal_scores and proposal_boxes go together.')

    def replace(self, **changes) -> 'GroundingQueries':
        """A copy with some fields replaced, checked again."""
        return dataclasses.replace(self, **changes)
