"""Pack a grounding sample into model inputs and a ``DetDataSample``."""
from typing import Sequence

from mmdet.datasets.transforms import PackDetInputs

from mmvg.registry import TRANSFORMS
from .expression import check_expression
from .sample_info import describe_sample

GROUNDING_META_KEYS = ('img_path', 'img_id', 'ref_id', 'sent_id', 'ori_shape',
                       'img_shape', 'scale_factor', 'flip', 'flip_direction',
                       'pad_shape', 'dataset_name', 'no_target', 'expr_kind')


def _check_targets(results: dict) -> None:
    """Raise if loaded targets were ignored or contradict ``no_target``."""
    flags = results.get('gt_ignore_flags')
    if flags is not None and flags.any():
        raise ValueError(
            f'Targets {flags.nonzero()[0].tolist()} were marked ignored '
            f'(invalid mask or ignore_flag=1) ({describe_sample(results)})')
    if 'gt_bboxes' in results and 'no_target' in results:
        has_targets = len(results['gt_bboxes']) > 0
        if has_targets == bool(results['no_target']):
            raise ValueError(
                f'no_target={results["no_target"]} but the sample has '
                f'{len(results["gt_bboxes"])} target boxes '
                f'({describe_sample(results)})')


@TRANSFORMS.register_module()
class PackGroundingInputs(PackDetInputs):
    """mmdet ``PackDetInputs`` that also carries the expression.

    Packs ``inputs`` (C, H, W tensor) and ``data_samples`` (``DetDataSample``)
    with ``text`` (str), ``gt_instances`` (``bboxes``, ``labels``, optional
    ``masks``; empty with ``bboxes`` of shape (0, 4) for no-target samples)
    and the metainfo keys found among ``meta_keys`` (absent ones, such as
    ``expr_kind`` or ``flip`` in test pipelines, are skipped).

    Raises:
        KeyError / ValueError: the expression is missing or blank, or the
            targets disagree with ``no_target``, or mmdet's
            ``LoadAnnotations`` flagged a target as ignored (an invalid
            mask): grounding has no ignored targets, so a target would be
            lost silently. Messages name the sample.

    Args:
        meta_keys: the ``results`` keys copied into the metainfo.
    """

    def __init__(self, meta_keys: Sequence[str] = GROUNDING_META_KEYS) -> None:
        super().__init__(meta_keys=tuple(meta_keys))

    def transform(self, results: dict) -> dict:
        """Pack like mmdet and set ``data_samples.text``."""
        text = check_expression(results)
        _check_targets(results)
        packed = super().transform(results)
        packed['data_samples'].text = text
        return packed
