from .dwbd_loss import DWBDLoss
from .patch_budget_loss import PatchBudgetLoss
from .soft_cross_entropy import soft_cross_entropy

__all__ = ['DWBDLoss', 'PatchBudgetLoss', 'soft_cross_entropy']
