"""Convert a checkpoint of the official SimVG code (Dmmm1997/SimVG) to mmvg.

The official training loop saves ``torch.save`` dicts with ``state_dict``
(the ``MIXDETRMB`` model: ``vis_enc.beit3.*`` BEiT-3 and ``head.*``
``TextGuidedQuerySelectKDDETRHead`` with detrex transformer layers), the
optimizer, scheduler and accuracies, plus ``ema_state_dict`` when a config
sets ``ema = True`` (its logged accuracies then come from the EMA weights).
Keys may carry the ``module.`` prefix of distributed training.

This script renames every key to mmvg's ``SimVG`` (``backbone.*``, the
query stage ``query_generator.*`` (TQG) and ``decoder.*``, and
``bbox_head.{decoder_branch,token_branch}.*``) and fails on any key it
cannot place; only :data:`UNUSED_KEYS` are dropped.

Usage::

    python tools/model_converters/simvg2mmvg.py SRC.pth DST.pth [--ema]
    python tools/test.py configs/simvg/simvg_vit-b32_1x_refcoco.py DST.pth

The token branch computes ``mlp(input_cls_proj(object_token) + query)``
as the official head does: ``input_cls_proj`` -> ``token_proj`` and
``mlp.layers.*`` -> ``token_mlp.layers.*`` (build the token branch with the
checkpoint's ``num_token_mlp_layers``, 1 in every released config).
"""
import argparse
import os.path as osp
import pickle
import re
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import torch
from torch import Tensor

from mmvg.utils import allow_mmengine_checkpoints

Rules = Sequence[Tuple[str, str]]

LINEAR: Rules = ((r'(weight|bias)', r'\1'), )
MLP: Rules = ((r'layers\.(\d+)\.(weight|bias)', r'layers.\1.\2'), )
EMBEDDING: Rules = ((r'weight', r'weight'), )
#: BEiT-3 keeps the torchscale names that mmvg's ``BEiT3`` uses too.
BEIT3: Rules = ((r'((?:text_embed|vision_embed|encoder)\..+)', r'\1'), )
_MHA = r'(in_proj_weight|in_proj_bias|out_proj\.weight|out_proj\.bias)'
#: detrex ``TransformerLayerSequence`` of ``BaseTransformerLayer``s with
#: order (self_attn, norm, cross_attn, norm, ffn, norm) -> mmdet 3.x
#: ``DetrTransformerDecoder``.
DETR_DECODER: Rules = (
    (r'layers\.(\d+)\.attentions\.0\.attn\.' + _MHA,
     r'layers.\1.self_attn.attn.\2'),
    (r'layers\.(\d+)\.attentions\.1\.attn\.' + _MHA,
     r'layers.\1.cross_attn.attn.\2'),
    (r'layers\.(\d+)\.ffns\.0\.layers\.(0\.0|1)\.(weight|bias)',
     r'layers.\1.ffn.layers.\2.\3'),
    (r'layers\.(\d+)\.norms\.([0-2])\.(weight|bias)',
     r'layers.\1.norms.\2.\3'),
    (r'post_norm_layer\.(weight|bias)', r'post_norm.\1'),
)

#: Official module prefix -> (mmvg module prefix, rules for the rest).
MODULES: Dict[str, Tuple[str, Rules]] = {
    'vis_enc.beit3.': ('backbone.', BEIT3),
    'head.query_embed.': ('query_generator.query_embed.', EMBEDDING),
    'head.input_text_proj.': ('query_generator.text_proj.', LINEAR),
    'head.text_guided_query_generation_transformer.':
    ('query_generator.decoder.', DETR_DECODER),
    'head.input_proj.': ('decoder.input_proj.', LINEAR),
    'head.transformer.decoder.': ('decoder.decoder.', DETR_DECODER),
    'head.class_embed_decoder.': ('bbox_head.decoder_branch.fc_cls.', LINEAR),
    'head.bbox_embed_decoder.': ('bbox_head.decoder_branch.fc_reg.', MLP),
    'head.input_cls_proj.': ('bbox_head.token_branch.token_proj.', LINEAR),
    'head.mlp.': ('bbox_head.token_branch.token_mlp.', MLP),
    'head.class_embed_token.': ('bbox_head.token_branch.fc_cls.', LINEAR),
    'head.bbox_embed_token.': ('bbox_head.token_branch.fc_reg.', MLP),
}

#: Official entries with no mmvg counterpart, and why they are dropped.
UNUSED_KEYS: Dict[str, str] = {
    'vis_enc.beit3.vision_embed.mask_token':
    'BEiT-3 masked-image-modelling token, used only in pre-training',
    'head.criterion.empty_weight':
    'CE class weights [1, eos_coef]; mmvg sets loss_cls.class_weight',
    'head.criterion_harddistill.empty_weight':
    'same CE class weights, of the distillation loss',
}
#: The decoder's 1x1 input ``Conv2d`` is an ``nn.Linear`` in mmvg.
CONV1X1_KEY = 'decoder.input_proj.weight'


def rename_key(key: str) -> Optional[str]:
    """The mmvg name of an official key (without ``module.``), or None."""
    for prefix, (target, rules) in MODULES.items():
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix):]
        for pattern, replacement in rules:
            if re.fullmatch(pattern, rest):
                return target + re.sub(pattern, replacement, rest)
    return None


def convert_simvg_state_dict(
        state_dict: Mapping[str, Tensor]) -> 'OrderedDict[str, Tensor]':
    """Official SimVG state dict -> mmvg ``SimVG`` state dict.

    Raises:
        ValueError: naming every key that has no mmvg place (and is not in
            :data:`UNUSED_KEYS`), or two keys that land on one name.
    """
    converted: 'OrderedDict[str, Tensor]' = OrderedDict()
    unknown: List[str] = []
    for key, value in state_dict.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if key in UNUSED_KEYS:
            continue
        new_key = rename_key(key)
        if new_key is None:
            unknown.append(key)
            continue
        if new_key in converted:
            raise ValueError(f'two checkpoint keys map to {new_key}')
        if new_key == CONV1X1_KEY and value.dim() == 4:
            if value.shape[2:] != (1, 1):
                raise ValueError(f'{key}: expected a 1x1 kernel, got '
                                 f'{tuple(value.shape)}')
            value = value.flatten(1)
        converted[new_key] = value
    if unknown:
        raise ValueError(
            f'{len(unknown)} key(s) have no place in mmvg\'s SimVG (is this '
            'a SimVG checkpoint with only_decoder=True?): ' +
            ', '.join(unknown))
    return converted


def load_official(path: str) -> dict:
    """Read a checkpoint with torch's safe (``weights_only``) unpickler."""
    allow_mmengine_checkpoints()  # numpy scalars of logged accuracies
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as err:
        raise RuntimeError(
            'the file holds Python objects beyond tensors, numbers and '
            'containers, which the safe loader refuses to run. If you trust '
            'it, load it with torch.load(weights_only=False) and torch.save '
            'its state_dict alone, then convert that file. Loader message: '
            f'{err}') from err
    if not isinstance(checkpoint, dict):
        raise ValueError(f'expected a dict, got {type(checkpoint).__name__}')
    return checkpoint


def pick_state_dict(checkpoint: dict, ema: bool) -> Tuple[str, dict]:
    """The (entry name, state dict) to convert."""
    name = 'ema_state_dict' if ema else 'state_dict'
    if isinstance(checkpoint.get(name), dict):
        return name, checkpoint[name]
    if not ema and all(isinstance(v, Tensor) for v in checkpoint.values()):
        return '(bare state dict)', checkpoint
    raise ValueError(f'no "{name}" entry (top-level keys: '
                     f'{sorted(checkpoint)})' +
                     ('; it was trained with ema = False' if ema else ''))


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='official SimVG checkpoint (.pth)')
    parser.add_argument('dst', help='output checkpoint for mmvg')
    parser.add_argument(
        '--ema',
        action='store_true',
        help='convert ema_state_dict instead of state_dict')
    args = parser.parse_args(argv)
    try:
        checkpoint = load_official(args.src)
        entry, state_dict = pick_state_dict(checkpoint, args.ema)
        converted = convert_simvg_state_dict(state_dict)
    except (RuntimeError, ValueError) as err:
        raise SystemExit(f'{args.src}: {err}') from err
    if not args.ema and 'ema_state_dict' in checkpoint:
        print('note: the file also holds EMA weights (the ones SimVG '
              'evaluates when trained with ema = True): add --ema for them')
    meta = dict(
        source=osp.basename(args.src),
        source_entry=entry,
        converted_by='simvg2mmvg')
    if isinstance(checkpoint.get('epoch'), int):
        meta['epoch'] = checkpoint['epoch']
    torch.save(dict(state_dict=converted, meta=meta), args.dst)
    print(f'{args.dst}: {len(converted)} tensors from {entry}')


if __name__ == '__main__':
    main()
