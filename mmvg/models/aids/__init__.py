"""Aids for small models trained from scratch on the synthetic set: none is
in a paper, no paper config names one (see README.md here)."""
from .cell_proposal_loss import CellProposalLoss
from .cell_proposal_queries import CellProposalQueryGenerator
from .cell_proposals import CellProposals
from .conv_stem import ConvStem
from .patch_center_head import PatchCenterHead
from .pointing_token_branch import PointingTokenBranch
from .reference_refinement import ReferenceRefinement
from .referenced_decoder_branch import ReferencedDecoderBranch
from .referenced_query_decoder import ReferencedQueryDecoder
from .scale_cell_head import ScaleCellHead
from .simvg_cell_head import SimVGCellHead
from .sine_position_init import Sine2DPositionInit
from .vglaw_cell_head import VGLAWCellHead

__all__ = [
    'CellProposalLoss', 'CellProposalQueryGenerator', 'CellProposals',
    'ConvStem', 'PatchCenterHead', 'PointingTokenBranch',
    'ReferenceRefinement', 'ReferencedDecoderBranch', 'ReferencedQueryDecoder',
    'ScaleCellHead', 'SimVGCellHead', 'Sine2DPositionInit', 'VGLAWCellHead'
]
