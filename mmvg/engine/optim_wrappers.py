"""An optimizer wrapper that runs the forward pass under ``torch.autocast``.

mmengine's ``AmpOptimWrapper`` asserts CUDA/NPU/MLU; on a CPU, mixed precision
is bfloat16 autocast, which needs no loss scaling. ``tools/train.py --amp``
picks this wrapper when no GPU is present.
"""
from contextlib import contextmanager
from typing import Iterator, Union

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from mmvg.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """OptimWrapper whose ``optim_context`` enables ``torch.autocast``.

    Args:
        device_type: autocast device type, e.g. 'cpu'.
        dtype: autocast dtype name, e.g. 'bfloat16'.
    """

    def __init__(self,
                 *args,
                 device_type: str = 'cpu',
                 dtype: Union[str, torch.dtype] = 'bfloat16',
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device_type = device_type
        self.dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        with super().optim_context(model), torch.autocast(
                device_type=self.device_type, dtype=self.dtype):
            yield
