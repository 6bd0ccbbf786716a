from .dwbd_loss import DWBDLoss

__all__ = ['DWBDLoss']
