"""Strict loading of timm/MAE and ViTDet (detectron2) ViT checkpoints.

timm and MAE save the names our ViT uses (``blocks.0.attn.qkv.weight``);
ViTDet Mask R-CNN checkpoints hold the same names under ``backbone.net.``
next to the detector's own weights. Loading is strict: every tensor of the
backbone must be used and every parameter of the model filled, except the
parameters the model declares as new (e.g. language-adaptive weights, or
ViTDet's zero-initialised relative positions when the file has none).
"""
import math
import pickle
import re
from typing import Dict, List, Sequence

import numpy as np
import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader
from torch import Tensor, nn

from .position_embedding import resize_pos_embed, resize_rel_pos

VITDET_PREFIX = 'backbone.net.'
#: Prefixes of tensors that are not part of a ViT encoder, with the reason.
IGNORED_PREFIXES = {
    'head.': 'classifier',
    'pre_logits.': 'classifier',
    'mask_token': 'MAE decoder',
    'decoder_': 'MAE decoder',
}
_REL_POS = re.compile(r'\.rel_pos_[hw]$')


class _NumpyUnpickler(pickle.Unpickler):
    """Unpickler for detectron2 ``.pkl`` files: numpy arrays and containers.

    Those files come from the internet; anything else is refused.
    """
    _ALLOWED = {
        ('collections', 'OrderedDict'),
        ('numpy', 'ndarray'),
        ('numpy', 'dtype'),
        ('numpy.core.multiarray', '_reconstruct'),
        ('numpy.core.multiarray', 'scalar'),
        ('numpy._core.multiarray', '_reconstruct'),
        ('numpy._core.multiarray', 'scalar'),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(
                f'Refusing to load {module}.{name} from a checkpoint pickle.')
        if module.startswith('numpy.core.') and hasattr(np, '_core'):
            module = 'numpy._core.' + module[len('numpy.core.'):]
        return super().find_class(module, name)


def read_state_dict(filename: str) -> Dict[str, Tensor]:
    """Read a checkpoint's tensors, unwrapping ``model``/``state_dict``.

    ``.pkl`` files are detectron2 model-zoo pickles of numpy arrays;
    ``.safetensors`` files are read with safetensors; anything else goes
    through mmengine's loader (local paths, URLs, ``torch.load``).
    """
    if filename.endswith('.pkl'):
        with open(filename, 'rb') as f:
            ckpt = _NumpyUnpickler(f, encoding='latin1').load()
    elif filename.endswith('.safetensors'):
        from safetensors.torch import load_file
        ckpt = load_file(filename)
    else:
        ckpt = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    for key in ('state_dict', 'model'):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
    if not isinstance(ckpt, dict):
        raise ValueError(f'{filename}: expected a dict of tensors, got '
                         f'{type(ckpt).__name__}.')
    state = {}
    for key, value in ckpt.items():
        if isinstance(value, np.ndarray):
            value = torch.from_numpy(np.ascontiguousarray(value))
        if not isinstance(value, Tensor):
            raise ValueError(f'{filename}: entry {key!r} is a '
                             f'{type(value).__name__}, not a tensor.')
        state[key] = value
    return state


def vitdet_to_timm(state: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """Keep the ``backbone.net.`` tensors of a ViTDet detector, renamed.

    Inside ``backbone.net`` detectron2's ViT already uses timm's names
    (``patch_embed.proj``, ``pos_embed``, ``blocks.N.attn.qkv``,
    ``blocks.N.attn.rel_pos_h/w``, ...), so the mapping strips the prefix;
    the feature pyramid, RPN and RoI heads are dropped.
    """
    return {
        key[len(VITDET_PREFIX):]: value
        for key, value in state.items() if key.startswith(VITDET_PREFIX)
    }


def _adapt_shapes(state: Dict[str, Tensor], target: Dict[str, Tensor],
                  filename: str) -> List[str]:
    """Resample position embeddings / relative tables to the model's sizes.

    Returns the mismatches that cannot be adapted.
    """
    bad = []
    for key, value in state.items():
        if key not in target or value.shape == target[key].shape:
            continue
        want = target[key].shape
        if key == 'pos_embed' and value.dim() == 3 and \
                value.shape[-1] == want[-1]:
            src, dst = math.isqrt(value.shape[1] - 1), math.isqrt(want[1] - 1)
            if src * src == value.shape[1] - 1:
                patches = resize_pos_embed(value[:, 1:], (src, src),
                                           (dst, dst))
                state[key] = torch.cat([value[:, :1], patches], dim=1)
                print_log(
                    f'{filename}: pos_embed resampled from {src}x{src} '
                    f'to {dst}x{dst} patches.',
                    logger='current')
                continue
        if _REL_POS.search(key) and value.shape[1:] == want[1:]:
            state[key] = resize_rel_pos(value, want[0])
            continue
        bad.append(f'{key}: file {tuple(value.shape)} vs model {tuple(want)}')
    return bad


def load_vit_checkpoint(
    model: nn.Module, filename: str,
    new_param_patterns: Sequence[str] = ()) -> None:
    """Load a timm/MAE/ViTDet checkpoint into ``model`` strictly.

    Args:
        model: a ViT with timm's parameter names.
        filename: checkpoint path or URL (timm/MAE ``.pth``/``.bin``/
            ``.safetensors``, detectron2 ViTDet ``.pkl``/``.pth``).
        new_param_patterns: regexes of model parameters the file may lack;
            they keep their fresh initialisation and are reported as such.

    Raises:
        ValueError: listing the file's unexpected tensors, the model's
            missing parameters or shapes that do not fit.
    """
    state = read_state_dict(filename)
    if any(key.startswith(VITDET_PREFIX) for key in state):
        dropped = len(state)
        state = vitdet_to_timm(state)
        print_log(
            f'{filename}: ViTDet checkpoint, {dropped - len(state)} '
            'non-backbone tensors dropped.',
            logger='current')
    target = model.state_dict()
    ignored = [key for key in state if key.startswith(tuple(IGNORED_PREFIXES))]
    if 'cls_token' in state and 'cls_token' not in target:
        ignored.append('cls_token')  # ViTDet recipe: the [CLS] token goes
    for key in ignored:
        state.pop(key)
    if ignored:
        print_log(
            f'{filename}: ignored {ignored} (not used by this '
            'backbone).',
            logger='current')

    missing = [key for key in target if key not in state]
    new = [
        key for key in missing if any(
            re.search(p, key) for p in new_param_patterns)
    ]
    missing = [key for key in missing if key not in new]
    unexpected = [key for key in state if key not in target]
    bad_shapes = _adapt_shapes(state, target, filename)
    if missing or unexpected or bad_shapes:
        raise ValueError(
            f'Checkpoint {filename} does not fit {type(model).__name__}:\n'
            f'  missing keys: {missing}\n  unexpected keys: {unexpected}\n'
            f'  shape mismatches: {bad_shapes}')
    model.load_state_dict(state, strict=False)
    print_log(
        f'{filename}: loaded {len(state)} tensors into '
        f'{type(model).__name__}' +
        (f'; newly initialised: {new}' if new else '.'),
        logger='current')
