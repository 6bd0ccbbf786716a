from .scanning_vilt import ScanningViLT

__all__ = ['ScanningViLT']
