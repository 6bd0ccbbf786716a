from .dwbd_loss import DWBDLoss
from .soft_cross_entropy import soft_cross_entropy

__all__ = ['DWBDLoss', 'soft_cross_entropy']
