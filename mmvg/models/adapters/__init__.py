"""Contract adapters: GroundingFeatures in, GroundingFeatures out, so that a
config can put any encoder under any head."""
from .pooled_vectors import PooledVectors
from .vl_fusion_adapter import VLFusionAdapter

__all__ = ['PooledVectors', 'VLFusionAdapter']
