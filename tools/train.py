"""Train a grounder: ``python tools/train.py CONFIG [options]``."""
import argparse
import sys

import torch
from mmengine.config import Config
from mmengine.dist import get_rank

from mmvg.engine import TrainingPreempted
from mmvg.utils import (register_all_modules, setup_cpu_distributed,
                        shutdown_distributed)
from mmvg.utils.tool_config import (add_common_args, build_runner,
                                    load_tool_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a grounder')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 with loss scaling on CUDA, bfloat16 '
        'autocast on CPU')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by (total batch size / auto_scale_lr.'
        'base_batch_size)')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or without a value from the '
        'latest checkpoint in the work dir (none yet: start afresh)')
    add_common_args(parser)
    return parser.parse_args()


def apply_amp(cfg: Config) -> None:
    """Switch the optimizer wrapper to mixed precision for this device."""
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper in ('AmpOptimWrapper', 'AutocastOptimWrapper'):
        return
    if torch.cuda.is_available():
        cfg.optim_wrapper.update(type='AmpOptimWrapper', loss_scale='dynamic')
    else:
        cfg.optim_wrapper.update(
            type='AutocastOptimWrapper', device_type='cpu', dtype='bfloat16')


def main() -> int:
    """Train; return the exit code (``PreemptionHook``'s when preempted)."""
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = load_tool_config(args)
    if args.amp:
        apply_amp(cfg)
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg or \
                'base_batch_size' not in cfg.auto_scale_lr:
            raise RuntimeError('--auto-scale-lr needs `auto_scale_lr = dict('
                               'base_batch_size=...)` in the config.')
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    setup_cpu_distributed(cfg, args.launcher)
    runner = build_runner(cfg)
    try:
        runner.train()
    except TrainingPreempted as preempted:
        # every rank prints it: the ranks stop after the same iteration
        print(f'rank {get_rank()}: {preempted}', flush=True)
        return preempted.exit_code
    return 0


if __name__ == '__main__':
    code = main()  # the runner is gone before the process group
    shutdown_distributed()
    sys.exit(code)
