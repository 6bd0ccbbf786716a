"""Accuracy of a text-blind oracle that picks a random annotated object:
the floor beside a grounder's accuracy."""
from collections import defaultdict

import numpy as np
import torch
from mmdet.structures.bbox import bbox_overlaps
from pycocotools.coco import COCO


def random_object_floor(dataset) -> dict:
    """Expected Acc@0.5 of a random-object pick, overall and per kind."""
    coco = COCO(dataset.ann_file)
    scores = defaultdict(list)
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        target = torch.tensor([info['instances'][0]['bbox']])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=info['img_id']))
        boxes = torch.tensor([[x, y, x + w, y + h]
                              for x, y, w, h in (a['bbox'] for a in anns)])
        hit = (bbox_overlaps(boxes, target)[:, 0] >= 0.5).float().mean()
        scores['all'].append(float(hit))
        if 'expr_kind' in info:
            scores[info['expr_kind']].append(float(hit))
    return {kind: float(np.mean(v)) for kind, v in scores.items()}
