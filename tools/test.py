"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT``."""
import argparse

from mmengine.config import Config, ConfigDict

from mmvg.utils import (register_all_modules, setup_cpu_distributed,
                        shutdown_distributed)
from mmvg.utils.tool_config import (add_common_args, add_no_strict_arg,
                                    build_runner, load_tool_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and eval) a grounder')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out',
        help='dump predictions to this JSON file (one record per '
        'sample, original-image pixels)')
    parser.add_argument(
        '--show-dir',
        help='save pictures of predictions in '
        'work_dir/timestamp/show_dir')
    parser.add_argument('--show', action='store_true', help='show pictures')
    parser.add_argument('--wait-time', type=float, default=2, help='seconds')
    add_no_strict_arg(parser)
    add_common_args(parser)
    return parser.parse_args()


def enable_visualization(cfg: Config, args: argparse.Namespace) -> None:
    """Turn on the visualization hook for ``--show`` / ``--show-dir``."""
    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise RuntimeError('--show/--show-dir need a `visualization` hook in '
                           'default_hooks (see configs/_base_/'
                           'default_runtime.py).')
    hook['draw'] = True
    if args.show:
        hook['show'] = True
        hook['wait_time'] = args.wait_time
    if args.show_dir:
        hook['test_out_dir'] = args.show_dir


def main() -> None:
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = load_tool_config(args)
    cfg.load_from = args.checkpoint
    fit = cfg.setdefault('default_hooks',
                         dict()).setdefault('checkpoint_fit',
                                            dict(type='CheckpointFitHook'))
    if args.no_strict:
        fit['strict'] = False
    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.out is not None:
        if not args.out.endswith('.json'):
            raise ValueError(f'--out must be a .json file, got {args.out}')
        evaluator = cfg.test_evaluator
        if isinstance(evaluator, (dict, ConfigDict)):
            evaluator = [evaluator]
        cfg.test_evaluator = list(evaluator) + [
            dict(type='DumpGroundingPredictions', out_file_path=args.out)
        ]
    setup_cpu_distributed(cfg, args.launcher)
    runner = build_runner(cfg)
    runner.test()


if __name__ == '__main__':
    main()
    shutdown_distributed()
