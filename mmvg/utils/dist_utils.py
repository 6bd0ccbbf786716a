"""Distributed launch on machines without CUDA (gloo backend)."""
import gc

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
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')


def shutdown_distributed() -> None:
    """Destroy the process group, and with it gloo's worker threads, while
    the interpreter is still alive.

    Call it after the runner is gone. A gloo worker thread frees the tensors
    of the last collective only once it holds the GIL; left to interpreter
    shutdown, it is killed mid-unwind and the process aborts ("terminate
    called without an active exception"). Collecting the runner drops the
    model wrapper's reference to the group; destroying the group drops the
    last one, and its destructor releases the GIL while it joins the
    workers.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        gc.collect()
        torch_dist.destroy_process_group()
