"""Latency of SimVG's token branch (TB) vs its decoder branch (DB), and the
parameter counts of SimVG models.

Both variants run the same multimodal encoder on a random image and a
random expression and TQG; SimVG-TB then reads the object token with its
MLP, and SimVG-DB runs the DETR decoder over the patches. The "head"
counts everything after the encoder (TQG, decoder and both branches).
Weights are random (the timing does not depend on them) and the tokenizer
is not timed (both variants need it). Rounds alternate TB and DB so that
other load on the machine does not favour one; the ratio is printed per
batch size.

Example::

    python tools/analysis_tools/benchmark_simvg.py   # ViT-B/32 at 640, B/L
    python tools/analysis_tools/benchmark_simvg.py --tiny   # smoke run
"""
import argparse
import os
from functools import partial
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.config import Config
from torch import nn

from mmvg.models.grounders import BaseGrounder
from mmvg.models.grounders.simvg import beit3_features
from mmvg.utils import register_all_modules
from mmvg.utils.benchmark import add_timing_args, paired_medians

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
BASE = os.path.join(ROOT, 'configs/simvg/simvg_vit-b32_1x_refcoco.py')
LARGE = os.path.join(ROOT, 'configs/simvg/simvg_vit-l32_1x_refcoco.py')
TINY = os.path.join(ROOT, 'configs/synthetic/simvg_tiny_synthetic.py')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=BASE, help='timed model')
    parser.add_argument(
        '--count-configs',
        nargs='+',
        default=[BASE, LARGE],
        help='models whose parameters are counted')
    parser.add_argument('--size', type=int, default=640, help='input side')
    add_timing_args(parser)
    parser.add_argument(
        '--tiny',
        action='store_true',
        help='the tiny synthetic model at 128x128, for a smoke test')
    return parser.parse_args(argv)


class SimVGParts(BaseGrounder):
    """A SimVG model without its tokenizer, which is not timed (and needs a
    sentencepiece file): the timed runs feed token ids to the encoder."""

    def extract_feat(self, inputs, data_samples):
        raise NotImplementedError('the benchmark runs the parts itself')


def build_model(config: str) -> Tuple[nn.Module, int]:
    """A randomly initialised SimVG model of a config (no tokenizer), and
    its tokenizer's ``max_length``."""
    cfg = Config.fromfile(config).model
    tokenizer = cfg.pop('tokenizer')
    cfg.pop('type')
    return SimVGParts(**cfg), tokenizer.max_length


def count_parameters(model: nn.Module) -> Dict[str, int]:
    """Parameters of the encoder (``backbone``) and of all after it."""
    encoder = sum(p.numel() for p in model.backbone.parameters())
    total = sum(p.numel() for p in model.parameters())
    return dict(encoder=encoder, head=total - encoder, total=total)


@torch.no_grad()
def run_branch(model: nn.Module, branch: str, img: torch.Tensor,
               text_ids: torch.Tensor, padding_mask: torch.Tensor,
               img_metas: List[dict]) -> None:
    """Encoder, query stage and one branch, as ``SimVG.predict`` runs them
    (the decoder only for the DB)."""
    out = model.backbone(img, text_ids, padding_mask)
    visual_mask = torch.zeros(
        img.size(0),
        out['vision'].size(1) - 1,
        dtype=torch.bool,
        device=img.device)
    feats = model.query_stage(
        beit3_features(out, padding_mask, visual_mask, img.shape[-2:]),
        img_metas,
        decode=branch == 'db')
    model.bbox_head(feats, img_metas, branch=branch)


def main(argv: Optional[List[str]] = None) -> List[dict]:
    args = parse_args(argv)
    register_all_modules()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    config, size = (TINY, 128) if args.tiny else (args.config, args.size)
    counted = [TINY] if args.tiny else args.count_configs
    torch.manual_seed(0)
    model, text_len = build_model(config)
    for path in counted:
        # the timed model is counted as it is, the others built for it
        counts = count_parameters(model if path ==
                                  config else build_model(path)[0])
        print(f'{os.path.basename(path)}: parameters encoder '
              f'{counts["encoder"] / 1e6:.2f}M, head '
              f'{counts["head"] / 1e6:.2f}M, total '
              f'{counts["total"] / 1e6:.2f}M')
    model.to(device).eval()
    print(f'timed: {os.path.basename(config)}, device {device}, torch '
          f'threads {torch.get_num_threads()}, input {size}x{size}, '
          f'{text_len} tokens, median of {args.repeats} after '
          f'{args.warmup} warm-up runs')
    print(f'{"batch":>5} {"TB ms":>9} {"DB ms":>9} {"TB / DB":>8}')
    rows = []
    for batch in args.batch_sizes:
        img = torch.randn(batch, 3, size, size, device=device)
        text_ids = torch.randint(4, 64, (batch, text_len), device=device)
        padding_mask = torch.zeros_like(text_ids, dtype=torch.bool)
        padding_mask[:, text_len // 2:] = True
        metas = [dict(img_shape=(size, size), batch_input_shape=(size, size))
                 ] * batch
        runs = [
            partial(run_branch, model, branch, img, text_ids, padding_mask,
                    metas) for branch in ('tb', 'db')
        ]
        t_tb, t_db = paired_medians(runs, args.warmup, args.repeats, device)
        rows.append(dict(batch=batch, tb=t_tb, db=t_db, ratio=t_tb / t_db))
        print(f'{batch:>5} {t_tb * 1e3:>9.1f} {t_db * 1e3:>9.1f} '
              f'{t_tb / t_db:>8.3f}')
    return rows


if __name__ == '__main__':
    main()
