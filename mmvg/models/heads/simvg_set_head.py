"""Set prediction (class + box per query) shared by SimVG's two branches."""
from typing import Dict, List, Tuple

import torch
from mmdet.models.dense_heads import DETRHead
from mmdet.models.layers import MLP
from mmdet.structures.bbox import bbox_cxcywh_to_xyxy, bbox_overlaps
from mmengine.structures import InstanceData
from torch import Tensor, nn

#: SimVG's losses: CE with no-object weight 0.1, 5 L1, 2 GIoU.
LOSS_CLS = dict(
    type='CrossEntropyLoss',
    use_sigmoid=False,
    loss_weight=1.0,
    class_weight=[1.0, 0.1])
#: SimVG's Hungarian matching costs: class 1, L1 5, GIoU 2 (REC's
#: one-query, one-target case is answered without the costs).
TRAIN_CFG = dict(
    assigner=dict(
        type='SingleQueryHungarianAssigner',
        match_costs=[
            dict(type='ClassificationCost', weight=1.),
            dict(type='BBoxL1Cost', weight=5.0, box_format='xywh'),
            dict(type='IoUCost', iou_mode='giou', weight=2.0)
        ]))


class SimVGSetHead(DETRHead):
    """mmdet's ``DETRHead`` (Hungarian matching, per-layer losses, post
    processing) with a 3-layer box MLP and a list ``class_weight``.

    Boxes are sigmoid cxcywh normalised by each sample's ``img_shape``, as
    in ``DETRHead``. One class (the referred object) plus no-object.

    Args:
        num_queries: predictions per sample (1 REC, 10 GREC).
        embed_dims: width of the query features.
        loss_cls: softmax CE config; ``class_weight`` is
            ``[object, no-object]`` (``DETRHead`` only converts floats for
            itself, not for subclasses).
        others: see ``DETRHead``.
    """

    def __init__(self,
                 num_queries: int = 1,
                 embed_dims: int = 256,
                 loss_cls: dict = LOSS_CLS,
                 train_cfg: dict = TRAIN_CFG,
                 **kwargs) -> None:
        if loss_cls.get('use_sigmoid', False):
            raise ValueError('SimVG heads use a softmax over object / '
                             'no-object: set use_sigmoid=False')
        kwargs.setdefault('test_cfg', dict(max_per_img=num_queries))
        super().__init__(
            num_classes=1,
            embed_dims=embed_dims,
            loss_cls=loss_cls,
            train_cfg=train_cfg,
            **kwargs)
        self.num_queries = num_queries
        # DETR normalises the CE by positives + 0.1 x negatives
        self.bg_cls_weight = float(loss_cls['class_weight'][-1])

    def _init_layers(self) -> None:
        self.fc_cls = nn.Linear(self.embed_dims, self.cls_out_channels)
        self.fc_reg = MLP(self.embed_dims, self.embed_dims, 4, 3)

    def predict_layers(self, hidden_states: Tensor) -> Tuple[Tensor, Tensor]:
        """Class logits (..., Q, 2) and sigmoid cxcywh boxes (..., Q, 4)."""
        return self.fc_cls(hidden_states), \
            self.fc_reg(hidden_states).sigmoid()

    def _predict_by_feat_single(self,
                                cls_score: Tensor,
                                bbox_pred: Tensor,
                                img_meta: dict,
                                rescale: bool = True) -> InstanceData:
        """``DETRHead``'s post-processing; with ``rescale`` the boxes are
        also clipped to ``ori_shape`` (undoing the resize can step past it
        by a rounding error)."""
        results = super()._predict_by_feat_single(cls_score, bbox_pred,
                                                  img_meta, rescale)
        if rescale:
            height, width = img_meta['ori_shape'][:2]
            results.bboxes[:, 0::2].clamp_(0, width)
            results.bboxes[:, 1::2].clamp_(0, height)
        return results

    def set_losses(self, layers_cls: Tensor, layers_boxes: Tensor,
                   gt_instances: List[InstanceData], img_metas: List[dict],
                   prefix: str) -> Dict[str, Tensor]:
        """Hungarian losses of every layer (L, B, Q, ·), keys prefixed."""
        losses = self.loss_by_feat(layers_cls, layers_boxes, gt_instances,
                                   img_metas)
        return {f'{prefix}{key}': value for key, value in losses.items()}

    @torch.no_grad()
    def matched_predictions(
            self, cls_scores: Tensor, boxes: Tensor,
            gt_instances: List[InstanceData],
            img_metas: List[dict]) -> Tuple[List[InstanceData], Tensor]:
        """Match the last layer's (B, Q, ·) predictions to the targets.

        Returns, per sample, the matched boxes (xyxy, input pixels) as
        ``InstanceData`` aligned with the targets, and for every target
        (all samples concatenated) ``fg_score x IoU(matched box, target)``.
        """
        matched, quality = [], []
        for cls, box, gt, meta in zip(cls_scores, boxes, gt_instances,
                                      img_metas):
            img_h, img_w = meta['img_shape']
            scale = box.new_tensor([img_w, img_h, img_w, img_h])
            pred = InstanceData(
                scores=cls, bboxes=bbox_cxcywh_to_xyxy(box) * scale)
            result = self.assigner.assign(pred, gt, img_meta=meta)
            pos = torch.nonzero(result.gt_inds > 0, as_tuple=False)[:, 0]
            order = result.gt_inds[pos] - 1
            query_of_gt = pos.new_empty(len(gt))
            query_of_gt[order] = pos
            gt_boxes = gt.bboxes.to(box)
            pred_boxes = pred.bboxes[query_of_gt]
            fg_score = cls.softmax(-1)[query_of_gt, 0]
            iou = bbox_overlaps(pred_boxes, gt_boxes, is_aligned=True)
            quality.append(fg_score * iou)
            matched.append(InstanceData(bboxes=pred_boxes, labels=gt.labels))
        return matched, torch.cat(quality)
