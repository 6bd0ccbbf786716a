"""Let torch's safe (``weights_only``) unpickler read mmengine training
checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10.7
calls ``torch.load`` without the argument, so resuming fails on the
``HistoryBuffer`` objects that the message hub stores. Rather than switching
the safe unpickler off, we allow exactly the globals that mmengine training
checkpoints hold; every other file keeps the full protection.
``torch.serialization.add_safe_globals`` exists from torch 2.4 on; older torch
loads with ``weights_only=False`` by default and needs nothing.
"""
from typing import List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def mmengine_checkpoint_globals() -> List[object]:
    """Globals found in the pickles of mmengine training checkpoints."""
    dtype_classes = [
        type(np.dtype(t))
        for t in (np.float16, np.float32, np.float64, np.int8, np.int16,
                  np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                  np.uint64, np.bool_)
    ]
    reconstruct = np.core.multiarray._reconstruct if not hasattr(
        np, '_core') else np._core.multiarray._reconstruct
    scalar = np.core.multiarray.scalar if not hasattr(
        np, '_core') else np._core.multiarray.scalar
    # ``getattr`` rebuilds HistoryBuffer's statistics methods; the safe
    # unpickler still refuses to call anything outside this list.
    return [
        HistoryBuffer, np.ndarray, np.dtype, reconstruct, scalar, getattr,
        *dtype_classes
    ]


def allow_mmengine_checkpoints() -> None:
    """Register :func:`mmengine_checkpoint_globals` with torch's unpickler."""
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(mmengine_checkpoint_globals())
