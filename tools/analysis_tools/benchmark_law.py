"""Latency of VG-LAW's language-adaptive ViT-B vs the same ViT, static weights.

Both models share the ViTDet-B geometry VG-LAW uses (448 input, 14x14
windows, global blocks 2/5/8/11, relative positions) and the same weights;
the adaptive one also runs its weight generator on a 40-token expression.
The language encoder is not timed: both pipelines need it.

Example::

    python tools/analysis_tools/benchmark_law.py            # ViT-B at 448
    python tools/analysis_tools/benchmark_law.py --tiny     # smoke run
"""
import argparse
from functools import partial
from typing import List, Optional

import torch

from mmvg.models.backbones.vit import LanguageAdaptiveViT, VisionTransformer
from mmvg.utils.benchmark import add_timing_args, gflops, paired_medians

VITDET_B = dict(
    embed_dims=768,
    num_heads=12,
    num_layers=12,
    with_cls_token=False,
    final_norm=False,
    window_size=14,
    global_attn_indexes=(2, 5, 8, 11),
    use_rel_pos=True,
    rel_pos_grid=64)
TINY = dict(
    embed_dims=48,
    num_heads=3,
    num_layers=4,
    img_size=64,
    with_cls_token=False,
    final_norm=False,
    window_size=2,
    global_attn_indexes=(1, 3),
    use_rel_pos=True,
    rel_pos_grid=8)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=int, default=448, help='input side')
    parser.add_argument(
        '--lang-len',
        type=int,
        default=40,
        help='expression tokens incl. padding')
    add_timing_args(parser)
    parser.add_argument(
        '--tiny',
        action='store_true',
        help='a small model at 64x64, for a smoke test')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> List[dict]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cfg, size = (TINY, 64) if args.tiny else (VITDET_B, args.size)
    lang_dims = 64 if args.tiny else 768
    torch.manual_seed(0)
    law_vit = LanguageAdaptiveViT(
        lang_dims=lang_dims, num_groups=4 if args.tiny else 12, **cfg)
    law_vit.init_weights()
    with torch.no_grad():  # a trained generator: Phi no longer zero
        law_vit.law.phi_weight.normal_(std=0.02)
    static = VisionTransformer(**cfg)
    static.load_state_dict({
        k: v
        for k, v in law_vit.state_dict().items() if not k.startswith('law.')
    })
    law_vit.to(device).eval()
    static.to(device).eval()
    extra = sum(p.numel() for p in law_vit.law.parameters())
    print(f'device {device}, torch threads {torch.get_num_threads()}, input '
          f'{size}x{size}, {args.lang_len} tokens, generator parameters '
          f'{extra / 1e6:.2f}M, median of {args.repeats} after '
          f'{args.warmup} warm-up runs')
    print(f'{"batch":>5} {"static GFLOPs":>14} {"adaptive GFLOPs":>16} '
          f'{"static ms":>10} {"adaptive ms":>12} {"overhead":>9}')
    rows = []
    for batch in args.batch_sizes:
        img = torch.randn(batch, 3, size, size, device=device)
        lang = torch.randn(batch, args.lang_len, lang_dims, device=device)
        mask = torch.zeros(
            batch, args.lang_len, dtype=torch.bool, device=device)
        mask[:, args.lang_len // 2:] = True  # half of the tokens are padding
        run_static = partial(static, img)
        run_law = partial(law_vit, img, lang, mask)
        with torch.no_grad():
            flops = [gflops(run_static), gflops(run_law)]
            t_static, t_law = paired_medians([run_static, run_law],
                                             args.warmup, args.repeats, device)
        rows.append(
            dict(
                batch=batch,
                static=t_static,
                adaptive=t_law,
                overhead=t_law / t_static,
                static_gflops=flops[0],
                adaptive_gflops=flops[1]))
        print(f'{batch:>5} {flops[0]:>14.4g} {flops[1]:>16.4g} '
              f'{t_static * 1e3:>10.1f} {t_law * 1e3:>12.1f} '
              f'{t_law / t_static:>8.3f}x')
    return rows


if __name__ == '__main__':
    main()
