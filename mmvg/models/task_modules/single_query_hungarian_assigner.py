"""mmdet's Hungarian assigner with REC's one-to-one case answered directly."""
from typing import Optional

import torch
from mmdet.models.task_modules import AssignResult, HungarianAssigner
from mmengine.structures import InstanceData

from mmvg.registry import TASK_UTILS


@TASK_UTILS.register_module()
class SingleQueryHungarianAssigner(HungarianAssigner):
    """``HungarianAssigner`` that matches one prediction to one target
    without computing costs or calling scipy: the only matching there is.

    REC heads have one query and one target per sample, and DETR-style
    losses assign every sample of every decoder layer separately, so the
    cost matrices and ``linear_sum_assignment`` calls were a third of a
    tiny SimVG training step on CPU. Every other case (GREC's 10 queries,
    samples without targets) goes to ``HungarianAssigner`` unchanged.
    """

    def assign(self,
               pred_instances: InstanceData,
               gt_instances: InstanceData,
               img_meta: Optional[dict] = None,
               **kwargs) -> AssignResult:
        if len(pred_instances) != 1 or len(gt_instances) != 1:
            return super().assign(pred_instances, gt_instances, img_meta,
                                  **kwargs)
        labels = gt_instances.labels
        return AssignResult(
            num_gts=1,
            gt_inds=torch.ones(1, dtype=torch.long, device=labels.device),
            max_overlaps=None,
            labels=labels[:1].long())
