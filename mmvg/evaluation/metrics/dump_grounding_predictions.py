"""Dump grounding predictions to JSON for offline scoring."""
from typing import Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmengine.fileio import dump
from mmengine.logging import print_log

from mmvg.registry import METRICS
from ..functional import check_results, prediction_to_record


@METRICS.register_module()
class DumpGroundingPredictions(BaseMetric):
    """Write one JSON record per sample and report no metrics.

    Records are ``{"ref_id", "sent_id", "bboxes": [[x1, y1, x2, y2], ...],
    "scores": [...], "mask": COCO RLE}`` in original-image pixels; ``mask``
    (the sample's predicted mask, ``str`` counts) only when the model
    predicts masks. ``tools/analysis_tools/eval_metric.py`` scores the file.
    The JSON counterpart of mmdet's ``DumpDetResults``.

    Args:
        out_file_path: path of the JSON file to write.
        collect_device: device to gather results on in distributed runs.
        collect_dir: folder to gather results in on 'cpu' collection.
    """

    def __init__(self,
                 out_file_path: str,
                 collect_device: str = 'cpu',
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device, collect_dir=collect_dir)
        if not out_file_path.endswith('.json'):
            raise ValueError('The output file of DumpGroundingPredictions '
                             f'must end with ".json", got {out_file_path}.')
        self.out_file_path = out_file_path

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Turn each sample's prediction into its JSON record."""
        for data_sample in data_samples:
            record = prediction_to_record(data_sample)
            self.results.append(
                dict(key=(record['ref_id'], record['sent_id']), record=record))

    def compute_metrics(self, results: list) -> dict:
        """Write the records of all samples; no metrics."""
        check_results(results, type(self).__name__)
        dump([r['record'] for r in results], self.out_file_path)
        print_log(
            f'{len(results)} predictions have been saved to '
            f'{self.out_file_path}.',
            logger='current')
        return {}
