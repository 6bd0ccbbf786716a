"""Extract the ViT of a ViTDet (detectron2) checkpoint under timm's names.

The result is a plain ``torch.save`` state dict (``patch_embed.proj.*``,
``pos_embed``, ``blocks.N.attn.qkv.*``, ``blocks.N.attn.rel_pos_h/w``, ...)
that ``VisionTransformer``/``LanguageAdaptiveViT`` load with
``init_cfg=dict(type='Pretrained', checkpoint=...)`` (they also read the
original ``.pkl`` directly; converting once skips the detector's tensors).

Example::

    python tools/model_converters/vitdet2timm.py \
        model_final_61ccd1.pkl vitdet_b_mask_rcnn_backbone.pth
"""
import argparse
from typing import List, Optional

import torch

from mmvg.models.backbones.vit import read_state_dict, vitdet_to_timm


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='ViTDet checkpoint (.pkl or .pth)')
    parser.add_argument('dst', help='output .pth')
    args = parser.parse_args(argv)
    state = vitdet_to_timm(read_state_dict(args.src))
    if not state:
        raise ValueError(f'{args.src} holds no "backbone.net." tensors; is '
                         'it a ViTDet checkpoint?')
    torch.save(state, args.dst)
    rel_pos = sorted(
        {tuple(v.shape)
         for k, v in state.items() if k.endswith('rel_pos_h')})
    print(f'{args.dst}: {len(state)} tensors; relative position tables '
          f'{rel_pos or "none"}')


if __name__ == '__main__':
    main()
