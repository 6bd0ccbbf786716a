"""Load official BEiT-3 checkpoints (microsoft/unilm, torchscale layout).

The official files hold ``{'model': state_dict}`` whose keys carry the prefix
``beit3.`` in front of torchscale's ``BEiT3`` names, e.g.
``beit3.encoder.layers.0.self_attn.q_proj.A.weight`` (vision expert),
``beit3.encoder.layers.0.ffn.B.fc1.weight`` (text expert),
``beit3.vision_embed.proj.weight``, ``beit3.text_embed.weight``,
``beit3.encoder.embed_positions.A.weight``. mmvg's ``BEiT3`` uses the same
names without the prefix. Loading is strict: every model parameter must be
found and every checkpoint entry used, except the masked-image-modelling
``mask_token`` that only pre-training needs.
"""
import math
import pickle
from typing import Dict, Tuple

import torch
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader
from torch import Tensor, nn

from .embeddings import MultiwayPositionEmbedding
from .resize import resize_patch_kernel, resize_pos_grid

#: Checkpoint entries used only by BEiT-3 pre-training (after the prefix).
PRETRAINING_ONLY_KEYS = ('vision_embed.mask_token', )
POS_KEY = 'encoder.embed_positions.A.weight'
KERNEL_KEY = 'vision_embed.proj.weight'


def extract_state_dict(checkpoint: dict) -> Dict[str, Tensor]:
    """The state dict inside a checkpoint saved by unilm, DeiT-style or
    mmengine scripts (``model``, ``module`` or ``state_dict`` entry)."""
    for key in ('model', 'module', 'state_dict'):
        if isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    return checkpoint


def resize_vision_pos_table(table: Tensor,
                            dst_hw: Tuple[int, int],
                            source: str = 'checkpoint') -> Tensor:
    """Resize a checkpoint's vision position table (2 offset rows, [CLS],
    square patch grid) to the grid ``dst_hw``; the first 3 rows are kept."""
    num_extra = MultiwayPositionEmbedding.offset + 1
    num_grid = table.size(0) - num_extra
    side = math.isqrt(max(num_grid, 0))
    if num_grid <= 0 or side * side != num_grid:
        raise ValueError(
            f'{source}: {POS_KEY} has {table.size(0)} rows, not {num_extra} '
            f'+ a square patch grid, so it cannot be resized to {dst_hw}')
    grid = resize_pos_grid(table[num_extra:], (side, side), dst_hw)
    return torch.cat([table[:num_extra], grid])


def adapt_beit3_state_dict(state_dict: Dict[str, Tensor],
                           model: nn.Module,
                           prefix: str = 'beit3.',
                           source: str = 'checkpoint') -> Dict[str, Tensor]:
    """Map an official BEiT-3 state dict onto ``model`` (an mmvg ``BEiT3``).

    Strips ``prefix`` (keys without it are kept, so a strict load reports
    them), drops :data:`PRETRAINING_ONLY_KEYS`, bicubically resizes the
    vision position grid to the model's grid and the patch kernel to the
    model's patch size. Returns a new dict.
    """
    adapted = {
        (k[len(prefix):] if k.startswith(prefix) else k): v
        for k, v in state_dict.items()
    }
    for key in PRETRAINING_ONLY_KEYS:
        adapted.pop(key, None)
    target = model.state_dict()
    if POS_KEY in adapted and (adapted[POS_KEY].shape
                               != target[POS_KEY].shape):
        grid_hw = model.encoder.embed_positions.grid_hw
        print_log(
            f'{source}: resizing vision positions '
            f'{tuple(adapted[POS_KEY].shape)} to grid {grid_hw}',
            logger='current')
        adapted[POS_KEY] = resize_vision_pos_table(adapted[POS_KEY], grid_hw,
                                                   source)
    if KERNEL_KEY in adapted and (adapted[KERNEL_KEY].shape[-2:]
                                  != target[KERNEL_KEY].shape[-2:]):
        size = tuple(target[KERNEL_KEY].shape[-2:])
        print_log(
            f'{source}: resizing patch kernel '
            f'{tuple(adapted[KERNEL_KEY].shape[-2:])} to {size} '
            f'(bicubic)',
            logger='current')
        adapted[KERNEL_KEY] = resize_patch_kernel(adapted[KERNEL_KEY], size)
    return adapted


def load_state_dict_strict(model: nn.Module, state_dict: Dict[str, Tensor],
                           source: str) -> None:
    """``load_state_dict`` that names ``source`` and lists every missing
    and unexpected key (or shape clash) in its error."""
    try:
        result = model.load_state_dict(state_dict, strict=False)
    except RuntimeError as err:  # shape mismatches
        raise RuntimeError(f'{source}: {err}') from err
    problems = []
    if result.missing_keys:
        problems.append(f'missing keys: {", ".join(result.missing_keys)}')
    if result.unexpected_keys:
        problems.append(
            f'unexpected keys: {", ".join(result.unexpected_keys)}')
    if problems:
        raise KeyError(f'{source} does not match {type(model).__name__}; ' +
                       '; '.join(problems))


def load_beit3_checkpoint(model: nn.Module,
                          filename: str,
                          prefix: str = 'beit3.',
                          map_location: str = 'cpu') -> None:
    """Load an official BEiT-3 checkpoint into ``model`` strictly, with the
    position and patch-kernel resizing of :func:`adapt_beit3_state_dict`.

    ``filename`` may be anything mmengine's ``CheckpointLoader`` reads
    (local path, URL, ...).
    """
    try:
        checkpoint = CheckpointLoader.load_checkpoint(filename, map_location)
    except pickle.UnpicklingError as err:  # objects beyond tensors
        raise RuntimeError(f'cannot read {filename}: {err}') from err
    state_dict = adapt_beit3_state_dict(
        extract_state_dict(checkpoint), model, prefix, source=filename)
    load_state_dict_strict(model, state_dict, source=filename)
    print_log(f'loaded BEiT-3 weights from {filename}', logger='current')
