"""Save pictures of grounding predictions, one file per expression."""
import os.path as osp
from typing import Sequence

import mmcv
from mmdet.engine.hooks import DetVisualizationHook
from mmdet.structures import DetDataSample
from mmengine.fileio import get
from mmengine.runner import Runner
from mmengine.utils import mkdir_or_exist

from mmvg.registry import HOOKS


@HOOKS.register_module()
class GroundingVisualizationHook(DetVisualizationHook):
    """mmdet's visualization hook, adapted to grounding at test time.

    mmdet names test pictures after the image, so the many expressions of
    one image overwrite each other; here each picture is named
    ``<image>_<ref_id>_<sent_id>.jpg``, and only every ``interval``-th
    sample is drawn so a large split does not write thousands of files.
    """

    def after_test_iter(self, runner: Runner, batch_idx: int, data_batch: dict,
                        outputs: Sequence[DetDataSample]) -> None:
        if not self.draw:
            return
        out_dir = None
        if self.test_out_dir is not None:
            out_dir = osp.join(runner.work_dir, runner.timestamp,
                               self.test_out_dir)
            mkdir_or_exist(out_dir)
        for sample in outputs:
            self._test_index += 1
            if (self._test_index - 1) % self.interval:
                continue
            img_path = sample.img_path
            img = mmcv.imfrombytes(
                get(img_path, backend_args=self.backend_args),
                channel_order='rgb')
            stem = osp.splitext(osp.basename(img_path))[0]
            name = f'{stem}_{sample.get("ref_id")}_{sample.get("sent_id")}.jpg'
            self._visualizer.add_datasample(
                name,
                img,
                data_sample=sample,
                show=self.show,
                wait_time=self.wait_time,
                pred_score_thr=self.score_thr,
                out_file=None if out_dir is None else osp.join(out_dir, name),
                step=self._test_index)
