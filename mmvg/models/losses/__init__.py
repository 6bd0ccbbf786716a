from .cross_modal_consistency_loss import CrossModalConsistencyLoss
from .dwbd_loss import DWBDLoss
from .feature_distill_loss import FeatureDistillLoss
from .patch_budget_loss import PatchBudgetLoss
from .patch_distill_loss import PatchDistillLoss
from .soft_cross_entropy import soft_cross_entropy

__all__ = [
    'CrossModalConsistencyLoss', 'DWBDLoss', 'FeatureDistillLoss',
    'PatchBudgetLoss', 'PatchDistillLoss', 'soft_cross_entropy'
]
