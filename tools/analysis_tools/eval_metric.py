"""Score a JSON file of grounding predictions on a config's test split.

The file holds one record per sample, as ``tools/test.py --out`` writes it:
``{"ref_id", "sent_id", "bboxes", "scores", "mask" (optional)}`` in
original-image pixels. Each record is paired with its dataset sample by
(ref_id, sent_id) and scored by the config's ``test_evaluator`` against the
GT of the dataset's ``data_list`` (no image is loaded), so predictions of any
system are compared with the same metric code.

``--grec-matching`` picks the box matching of every ``GRECMetric``:
``official`` (the gRefCOCO evaluation code's rule, comparable with published
numbers; the default of the metric) or ``iou_hungarian``; so a dump of the
SimVG repository or of MDETR, converted to these records, is scored by the
official rule.

Example::

    python tools/analysis_tools/eval_metric.py CONFIG preds.json \
        --json-out metrics.json [--grec-matching official]
"""
import argparse
from collections import Counter
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from mmengine.config import DictAction
from mmengine.evaluator import Evaluator
from mmengine.fileio import dump, load

from mmvg.evaluation import record_to_data_sample, sample_key
from mmvg.registry import DATASETS, EVALUATOR
from mmvg.utils import register_all_modules
from mmvg.utils.tool_config import load_config


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Score grounding predictions (JSON) with the metrics of '
        'a config\'s test_evaluator.')
    parser.add_argument('config', help='config file')
    parser.add_argument('pred_file', help='JSON predictions to score')
    parser.add_argument(
        '--json-out', help='write the metrics as one flat JSON object')
    parser.add_argument(
        '--grec-matching',
        choices=['official', 'iou_hungarian'],
        help='box matching of the GRECMetric(s) of test_evaluator (default: '
        'as the config says)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value, e.g. '
        'test_dataloader.dataset.ann_file=...')
    return parser.parse_args(argv)


def build_evaluator(evaluator_cfg: Union[dict, list]) -> Evaluator:
    """Build ``test_evaluator`` in the forms the mmengine Runner accepts."""
    if isinstance(evaluator_cfg, dict) and 'metrics' in evaluator_cfg:
        return EVALUATOR.build(dict(type='Evaluator', **evaluator_cfg))
    return Evaluator(evaluator_cfg)


def set_grec_matching(evaluator_cfg: Union[dict, list], matching: str) -> None:
    """Set ``matching`` on every ``GRECMetric`` of ``evaluator_cfg`` (any
    form the Runner accepts); refuse a config without one."""
    if isinstance(evaluator_cfg, dict):
        metrics = evaluator_cfg.get('metrics', [evaluator_cfg])
    else:
        metrics = evaluator_cfg
    metrics = metrics if isinstance(metrics, list) else [metrics]
    grec = [cfg for cfg in metrics if cfg.get('type') == 'GRECMetric']
    if not grec:
        raise ValueError('--grec-matching: the test_evaluator has no '
                         'GRECMetric (it has '
                         f'{[cfg.get("type") for cfg in metrics]}).')
    for cfg in grec:
        cfg['matching'] = matching


def _examples(keys: List[Tuple], limit: int = 5) -> str:
    """The first ``limit`` keys, for error messages."""
    more = ' ...' if len(keys) > limit else ''
    return ', '.join(map(str, keys[:limit])) + more


def pair_records(records: list, data_infos: List[Mapping],
                 pred_file: str) -> List[Tuple[dict, Mapping]]:
    """Match each dataset sample with its record by (ref_id, sent_id).

    Raises when the file is not a list of records, a key repeats, or the
    records and the split do not hold exactly the same samples.
    """
    if not isinstance(records, list) or not all(
            isinstance(r, dict) for r in records):
        raise TypeError(f'{pred_file} must hold a JSON list of records.')
    by_key: Dict[Tuple, dict] = {}
    for record in records:
        key = sample_key(record)
        if key in by_key:
            raise ValueError(f'{pred_file} holds two records for sample '
                             f'(ref_id, sent_id)={key}.')
        by_key[key] = record
    data_keys = [sample_key(info) for info in data_infos]
    repeated = [k for k, n in Counter(data_keys).items() if n > 1]
    if repeated:
        raise ValueError(f'The test split repeats {len(repeated)} (ref_id, '
                         f'sent_id) keys (e.g. {_examples(repeated)}); its '
                         'samples cannot be paired with records.')
    missing = [key for key in data_keys if key not in by_key]
    extra = sorted(set(by_key) - set(data_keys), key=str)
    if missing or extra:
        raise ValueError(
            f'{pred_file} does not match the test split ({len(data_keys)} '
            f'samples, {len(by_key)} records): {len(missing)} samples have '
            f'no record (e.g. {_examples(missing)}); {len(extra)} records '
            f'match no sample (e.g. {_examples(extra)}).')
    return [(by_key[key], info) for key, info in zip(data_keys, data_infos)]


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Score the predictions; return the metrics (also printed)."""
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    register_all_modules()

    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    if args.grec_matching:
        set_grec_matching(cfg.test_evaluator, args.grec_matching)
    evaluator = build_evaluator(cfg.test_evaluator)
    evaluator.dataset_meta = dataset.metainfo
    data_infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    pairs = pair_records(load(args.pred_file), data_infos, args.pred_file)
    for record, data_info in pairs:
        evaluator.process([record_to_data_sample(record, data_info)])
    metrics = evaluator.evaluate(len(pairs))

    for name, value in metrics.items():
        print(f'{name}: {value}')
    if args.json_out:
        dump(metrics, args.json_out, indent=2)
    return metrics


if __name__ == '__main__':
    main()
