from .scan_ops import ScanOps, register_scan_ops, scan_ops_for
from .scanning_encoder import ScanningEncoder

__all__ = ['ScanOps', 'ScanningEncoder', 'register_scan_ops', 'scan_ops_for']
