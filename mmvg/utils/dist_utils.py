"""Distributed launch on machines without CUDA (gloo backend)."""
import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def setup_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Make ``cfg`` run distributed on CPUs when no GPU is present.

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` and wraps
    the model with ``device_ids=[LOCAL_RANK]``, both of which fail without
    CUDA. So we start the gloo process group ourselves (mmengine then skips
    its own init) and wrap the model with ``device_ids=None``.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise RuntimeError(
            f'launcher="{launcher}" needs CUDA; without a GPU use '
            '`tools/dist_train.sh` (torchrun, launcher="pytorch").')
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
