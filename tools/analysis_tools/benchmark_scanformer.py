"""ScanFormer measured on a config's validation split, in one run.

Accuracy of every scale's box (Acc@0.5 overall and per expression kind)
beside the random-object floor; the share of patches kept at every scale;
FLOPs per expression (``torch.utils.flop_counter.FlopCounterMode``) and
latency at each batch size against the same encoder reading the finest
scale in full (``--full``; any other grounder serves as the reference
too, e.g. plain SimVG beside BEiT-3 scanning), the two models alternating
round by round; and with early exit on (``--exit-iou``): accuracy, the
share of samples exiting at each scale, FLOPs and latency again.

FLOPs and latency are measured on the first ``--timed-samples`` samples of
the split (real images and expressions, since what a scan costs depends on
what it keeps), run in batches of each ``--batch-sizes``; a batch of
samples keeping different numbers of patches is padded to the most kept.

Example::

    python tools/analysis_tools/benchmark_scanformer.py \\
        configs/synthetic/scanformer_tiny_synthetic.py SCAN.pth \\
        --full configs/synthetic/scanformer_tiny_synthetic_full.py FULL.pth \\
        --exit-iou 0.9 --out scanformer_benchmark.json
"""
import argparse
import json
from functools import partial
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from torch import nn

from mmvg.evaluation.functional import random_object_floor
from mmvg.evaluation.metrics import RECMetric
from mmvg.registry import DATASETS, MODELS
from mmvg.utils import register_all_modules
from mmvg.utils.benchmark import gflops, paired_medians
from mmvg.utils.checkpoint_fit import load_fitting_checkpoint
from mmvg.utils.tool_config import load_config

Batch = Dict[str, list]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='the scanning model')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--full',
        nargs=2,
        metavar=('CONFIG', 'CHECKPOINT'),
        help='the reference: the same encoder reading the finest scale in '
        'full, or any other grounder (e.g. plain SimVG)')
    parser.add_argument(
        '--exit-iou',
        type=float,
        help='also measure early exit at this box agreement (IoU of '
        'successive scales)')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8])
    parser.add_argument(
        '--eval-batch-size',
        type=int,
        default=64,
        help='batch of the accuracy pass')
    parser.add_argument(
        '--max-samples',
        type=int,
        help='score only the first N samples of the split')
    parser.add_argument(
        '--timed-samples',
        type=int,
        default=32,
        help='samples whose FLOPs and latency are measured')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument('--out', help='write the results as JSON here')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='overrides of the scanning config')
    parser.add_argument(
        '--full-cfg-options',
        nargs='+',
        action=DictAction,
        help='overrides of the reference config')
    return parser.parse_args(argv)


def build_model(config: str, checkpoint: str,
                cfg_options: Optional[dict]) -> Tuple[nn.Module, Config]:
    """The config's model with the checkpoint loaded strictly, in eval
    mode."""
    cfg = load_config(config, cfg_options)
    model = MODELS.build(cfg.model)
    load_fitting_checkpoint(model, checkpoint)
    return model.eval(), cfg


def batches(dataset, batch_size: int, num: int) -> Iterator[Batch]:
    """The first ``num`` samples of ``dataset``, collated in batches."""
    for start in range(0, num, batch_size):
        stop = min(start + batch_size, num)
        yield pseudo_collate([dataset[i] for i in range(start, stop)])


def _set_exit(model: nn.Module, exit_iou: Optional[float]) -> None:
    if hasattr(model.bbox_head, 'early_exit'):
        model.bbox_head.early_exit = None if exit_iou is None else dict(
            iou_thr=exit_iou)


def _scored(metric: RECMetric, samples: Sequence, instances) -> None:
    for sample, pred in zip(samples, instances):
        sample.pred_instances = pred
        metric.process({}, [sample.to_dict()])


@torch.no_grad()
def evaluate(model: nn.Module,
             loader: Iterator[Batch],
             exit_iou: Optional[float] = None) -> dict:
    """Acc of the prediction and, without early exit, of every scale's
    box; the kept share and the exit share per scale."""
    _set_exit(model, exit_iou)
    head = model.bbox_head
    num_scales = getattr(model.backbone, 'num_scales', 1)
    final = RECMetric(group_key='expr_kind')
    per_scale = [RECMetric(group_key='expr_kind') for _ in range(num_scales)]
    kept = torch.zeros(num_scales)
    present = torch.zeros(num_scales)
    exits = torch.zeros(num_scales)
    for data in loader:
        data = model.data_preprocessor(data, False)
        inputs, samples = data['inputs'], data['data_samples']
        feats = model.features(inputs, samples)
        _scored(final, samples, head.predict(feats, samples))
        scales = feats.scales
        if scales is None:  # a reference that does not scan
            continue
        for s, (gates, mask) in enumerate(zip(scales.gates, scales.present)):
            kept[s] += float(gates.sum())
            present[s] += float(mask.sum())
        exits += torch.bincount(scales.exit_scale, minlength=num_scales)
        if exit_iou is None:
            boxes = head(feats)
            ones = boxes.new_ones(len(boxes), 1)
            for s, metric in enumerate(per_scale):
                _scored(
                    metric, samples,
                    head.to_instances(boxes[:, s:s + 1], ones, samples, True))
    _set_exit(model, None)
    result = dict(final=final.compute_metrics(final.results))
    if present.sum() == 0:
        return result
    result.update(
        per_scale=None if exit_iou is not None else
        [metric.compute_metrics(metric.results) for metric in per_scale],
        kept_share=(kept / present.clamp(min=1)).tolist(),
        exit_share=(exits / exits.sum()).tolist())
    return result


def _predict_all(model: nn.Module, loaded: List[Batch]) -> None:
    for data in loaded:
        model.predict(data['inputs'], data['data_samples'])


@torch.no_grad()
def cost(models: Sequence[nn.Module], dataset, batch_size: int, num: int,
         warmup: int, repeats: int) -> List[dict]:
    """FLOPs per expression and the median time of one batch of each model
    over the first ``num`` samples (the models alternate every round)."""
    loaded = []
    for data in batches(dataset, batch_size, num):
        loaded.append(models[0].data_preprocessor(data, False))
    runs = [partial(_predict_all, model, loaded) for model in models]
    times = paired_medians(runs, warmup, repeats, torch.device('cpu'))
    return [
        dict(
            gflops_per_expression=gflops(run) / num,
            ms_per_batch=seconds * 1e3 / len(loaded))
        for run, seconds in zip(runs, times)
    ]


def _print_accuracy(name: str, metrics: dict) -> None:
    kinds = sorted(
        key.split('/')[1] for key in metrics if key.startswith('Acc@0.5/'))
    parts = [f'Acc@0.5 {metrics["Acc@0.5"]:.4f}'] + [
        f'{kind} {metrics[f"Acc@0.5/{kind}"]:.4f}' for kind in kinds
    ]
    print(f'{name}: ' + ', '.join(parts))


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    register_all_modules()
    if args.threads:
        torch.set_num_threads(args.threads)
    scan, cfg = build_model(args.config, args.checkpoint, args.cfg_options)
    models = {'scan': scan}
    if args.full:
        models['full'] = build_model(*args.full, args.full_cfg_options)[0]
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    num = min(len(dataset), args.max_samples or len(dataset))
    results = dict(samples=num, floor=random_object_floor(dataset), models={})
    print(f'{num} samples; random-object floor: ' +
          ', '.join(f'{k} {v:.4f}'
                    for k, v in sorted(results['floor'].items())))
    runs = [(name, None) for name in models]
    if args.exit_iou is not None:
        runs.append(('scan', args.exit_iou))
    for name, exit_iou in runs:
        label = name if exit_iou is None else f'scan, exit IoU {exit_iou}'
        result = evaluate(models[name],
                          batches(dataset, args.eval_batch_size, num),
                          exit_iou)
        results['models'][label] = result
        _print_accuracy(label, result['final'])
        for s, metrics in enumerate(result.get('per_scale') or []):
            _print_accuracy(f'  scale {s}', metrics)
        if 'kept_share' in result:
            print('  kept share per scale: ' +
                  ' '.join(f'{v:.3f}' for v in result['kept_share']))
        if exit_iou is not None:
            print('  exit share per scale: ' +
                  ' '.join(f'{v:.3f}' for v in result['exit_share']))
    timed = min(args.timed_samples, num)
    results['cost'] = {}
    for batch_size in args.batch_sizes:
        labels, timed_models = list(models), list(models.values())
        if args.exit_iou is not None:
            exiting = build_model(args.config, args.checkpoint,
                                  args.cfg_options)[0]
            _set_exit(exiting, args.exit_iou)
            labels.append('scan, exit')
            timed_models.append(exiting)
        rows = cost(timed_models, dataset, batch_size, timed, args.warmup,
                    args.repeats)
        results['cost'][batch_size] = dict(zip(labels, rows))
        full = results['cost'][batch_size].get('full')
        for label, row in zip(labels, rows):
            flops, ms = row['gflops_per_expression'], row['ms_per_batch']
            ratio = '' if full is None else (
                f' ({flops / full["gflops_per_expression"]:.3f}x FLOPs, '
                f'{ms / full["ms_per_batch"]:.3f}x time of full)')
            print(f'batch {batch_size} {label}: {flops:.4f} '
                  f'GFLOPs/expression, {ms:.1f} ms/batch{ratio}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
