"""Load ViLT weights from both released formats.

- The original release (``vilt_200k_mlm_itm.ckpt``, PyTorch Lightning) keeps
  the encoder under ``text_embeddings.``, ``token_type_embeddings.``,
  ``transformer.`` (timm ViT names, fused ``attn.qkv``) and ``pooler.``:
  mmvg's :class:`ViLT` uses those very names.
- transformers' ``ViltModel`` (``ViltForMaskedLM`` adds ``vilt.``) renames
  them (``embeddings.*``, ``encoder.layer.N.*``, ``layernorm``) and splits
  qkv into ``query``/``key``/``value``; they are mapped back here.

Pre-training heads (MLM, ITM, MPP) and the text ``position_ids`` /
``token_type_ids`` buffers are dropped; loading is then strict.
"""
import os.path as osp
import re
from typing import Dict

import torch
from mmengine.logging import print_log
from torch import Tensor, nn

from ..beit3.checkpoint import load_state_dict_strict
from ..vit.checkpoint import read_state_dict

#: Entries of released files that are not part of the encoder.
HEAD_PREFIXES = ('mlm_score.', 'itm_score.', 'mpp_score.')
BUFFER_KEYS = ('text_embeddings.position_ids',
               'text_embeddings.token_type_ids')
HF_WEIGHT_FILES = ('model.safetensors', 'pytorch_model.bin')

_HF_EMBEDDINGS = {
    'embeddings.cls_token': 'transformer.cls_token',
    'embeddings.position_embeddings': 'transformer.pos_embed',
    'embeddings.patch_embeddings.projection.weight':
    'transformer.patch_embed.proj.weight',
    'embeddings.patch_embeddings.projection.bias':
    'transformer.patch_embed.proj.bias',
    'embeddings.token_type_embeddings.weight': 'token_type_embeddings.weight',
    'layernorm.weight': 'transformer.norm.weight',
    'layernorm.bias': 'transformer.norm.bias',
}
_HF_LAYER = {
    'layernorm_before': 'norm1',
    'attention.output.dense': 'attn.proj',
    'layernorm_after': 'norm2',
    'intermediate.dense': 'mlp.fc1',
    'output.dense': 'mlp.fc2',
}
_HF_LAYER_KEY = re.compile(r'^encoder\.layer\.(\d+)\.(.+)\.(weight|bias)$')
_HF_QKV = ('query', 'key', 'value')


def is_transformers_format(state: Dict[str, Tensor]) -> bool:
    """Whether ``state`` is transformers' layout (else the original)."""
    return any(
        k.startswith(('encoder.layer.', 'vilt.encoder.layer.')) for k in state)


def transformers_to_vilt(state: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """Rename a transformers ``ViltModel`` state dict to the original names
    (the ones :class:`ViLT` uses); unknown keys are kept, so a strict load
    reports them."""
    state = {
        (k[len('vilt.'):] if k.startswith('vilt.') else k): v
        for k, v in state.items()
    }
    out, qkv = {}, {}
    for key, value in state.items():
        layer = _HF_LAYER_KEY.match(key)
        if key in _HF_EMBEDDINGS:
            out[_HF_EMBEDDINGS[key]] = value
        elif key.startswith('embeddings.text_embeddings.'):
            out[key[len('embeddings.'):]] = value
        elif layer and layer[2].startswith('attention.attention.'):
            part = layer[2][len('attention.attention.'):]
            qkv.setdefault((layer[1], layer[3]), {})[part] = value
        elif layer and layer[2] in _HF_LAYER:
            out[f'transformer.blocks.{layer[1]}.{_HF_LAYER[layer[2]]}.'
                f'{layer[3]}'] = value
        else:
            out[key] = value
    for (index, kind), parts in qkv.items():
        if set(parts) != set(_HF_QKV):
            raise KeyError(f'encoder.layer.{index}: attention {kind} has '
                           f'{sorted(parts)}, needs query, key and value')
        out[f'transformer.blocks.{index}.attn.qkv.{kind}'] = torch.cat(
            [parts[name] for name in _HF_QKV])
    return out


def drop_non_encoder(state: Dict[str, Tensor],
                     source: str) -> Dict[str, Tensor]:
    """Remove pre-training heads and text buffers, logging how many."""
    kept = {
        k: v
        for k, v in state.items()
        if not k.startswith(HEAD_PREFIXES) and k not in BUFFER_KEYS
    }
    if len(kept) < len(state):
        print_log(
            f'{source}: dropped {len(state) - len(kept)} entries of '
            'pre-training heads and text buffers.',
            logger='current')
    return kept


def read_vilt_weights(path: str) -> Dict[str, Tensor]:
    """Tensors of a ViLT file, or of a transformers model folder."""
    if osp.isdir(path):
        for name in HF_WEIGHT_FILES:
            if osp.isfile(osp.join(path, name)):
                return read_state_dict(osp.join(path, name))
        raise FileNotFoundError(
            f'{path} holds none of {", ".join(HF_WEIGHT_FILES)}; expected a '
            'transformers ViLT folder (e.g. dandelin/vilt-b32-mlm).')
    if not osp.isfile(path):
        raise FileNotFoundError(f'ViLT checkpoint {path} does not exist.')
    return read_state_dict(path)


def adapt_vilt_state_dict(state: Dict[str, Tensor],
                          source: str) -> Dict[str, Tensor]:
    """Either released layout -> :class:`ViLT`'s state dict."""
    if is_transformers_format(state):
        state = transformers_to_vilt(state)
    return drop_non_encoder(state, source)


def load_vilt_checkpoint(model: nn.Module, path: str) -> None:
    """Load a ViLT checkpoint (original ``.ckpt`` or a transformers folder /
    file) into ``model`` strictly: every missing or unexpected key is
    named in the error."""
    state = adapt_vilt_state_dict(read_vilt_weights(path), path)
    load_state_dict_strict(model, state, path)
    print_log(f'Loaded ViLT weights from {path}.', logger='current')
