"""VG-LAW's multi-task head: a box (REC) and a mask (RES) per expression."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.layers import MLP
from mmdet.structures import DetDataSample
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.models.layers import LanguageAdaptivePooling, LanguageMaskDecoder
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures
from .base_box_head import BaseBoxHead


@MODELS.register_module()
class VGLAWHead(BaseBoxHead):
    """REC and RES branches on expression-aware visual features (VG-LAW).

    REC: language adaptive pooling of the map, a 3-layer MLP and a sigmoid
    give a normalised cxcywh box (L1 + GIoU). RES: transposed convolutions
    to stride 4, a per-pixel projection whose weight is the [CLS] language
    feature, bilinear upsampling to the batch input size (focal + dice, over
    the whole padded input, padding being background). Predicted masks are
    ``sigmoid >= mask_thr``, cropped to ``img_shape`` and, with ``rescale``,
    resized to ``ori_shape``.

    ``with_rec`` / ``with_res`` select the tasks. Without the REC branch
    the predicted box is the mask's bounding box (score 0 and an all-zero
    box for an empty mask), so REC metrics still apply.

    Args:
        in_channels: visual channels C.
        lang_dims: language channels d_l.
        pool_dims: k, the pooling projection width.
        in_stride: stride of the visual map (the ViT's patch size).
        with_rec: build and train the box branch.
        with_res: build and train the mask branch.
        mask_thr: probability threshold of predicted masks.
        norm_cfg: normalisation between the mask upsampling layers.
        loss_bbox, loss_iou: box losses (see :class:`BaseBoxHead`).
        loss_mask: per-pixel loss on mask logits.
        loss_dice: per-sample dice loss on mask logits.
    """

    def __init__(self,
                 in_channels: int = 768,
                 lang_dims: int = 768,
                 pool_dims: int = 256,
                 in_stride: int = 16,
                 with_rec: bool = True,
                 with_res: bool = True,
                 mask_thr: float = 0.35,
                 norm_cfg: Optional[dict] = dict(type='GN', num_groups=32),
                 loss_bbox: dict = dict(type='L1Loss', loss_weight=1.0),
                 loss_iou: dict = dict(type='GIoULoss', loss_weight=1.0),
                 loss_mask: dict = dict(
                     type='FocalLoss', use_sigmoid=True, loss_weight=4.0),
                 loss_dice: dict = dict(
                     type='DiceLoss', use_sigmoid=True, loss_weight=4.0),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            loss_bbox=loss_bbox, loss_iou=loss_iou, init_cfg=init_cfg)
        if not (with_rec or with_res):
            raise ValueError('VGLAWHead needs with_rec and/or with_res.')
        self.in_channels = in_channels
        self.with_rec = with_rec
        self.with_res = with_res
        self.mask_thr = mask_thr
        if with_rec:
            self.pooling = LanguageAdaptivePooling(in_channels, lang_dims,
                                                   pool_dims)
            self.box_mlp = MLP(in_channels, in_channels, 4, 3)
        if with_res:
            self.mask_decoder = LanguageMaskDecoder(
                in_channels, lang_dims, in_stride, norm_cfg=norm_cfg)
            self.loss_mask = MODELS.build(loss_mask)
            self.loss_dice = MODELS.build(loss_dice)

    def forward(self, feats: GroundingFeatures) -> Dict[str, Tensor]:
        """``boxes`` (B, 4) normalised cxcywh and/or ``mask_logits``
        (B, H, W) at the batch input size, from the visual tokens read as a
        (B, C, h, w) map and the ``sentence`` vector (B, d_l)."""
        feats.require('sentence', by=type(self).__name__)
        outputs = {}
        visual, mask = self.visual_map(feats)
        if self.with_rec:
            pooled, weights = self.pooling(visual, feats.sentence, mask)
            outputs.update(self.read_boxes(visual, pooled, weights))
            outputs['lap_weights'] = weights
        if self.with_res:
            logits = self.mask_decoder(visual, feats.sentence)
            outputs['mask_logits'] = F.interpolate(
                logits[:, None],
                size=feats.input_hw,
                mode='bilinear',
                align_corners=False)[:, 0]
        return outputs

    @staticmethod
    def visual_map(feats: GroundingFeatures) -> Tuple[Tensor, Tensor]:
        """The visual tokens as a (B, C, h, w) map and its (B, h, w)
        padding mask, which both branches read."""
        return feats.visual_map(), feats.visual_mask_map()

    def read_boxes(self, visual: Tensor, pooled: Tensor,
                   weights: Tensor) -> Dict[str, Tensor]:
        """``boxes`` (B, 4): the MLP on the pooled feature."""
        return dict(boxes=self.box_mlp(pooled).sigmoid())

    @staticmethod
    def gt_masks(data_samples: List[DetDataSample], ref: Tensor) -> Tensor:
        """Union of each sample's target masks, (B, H, W) in ``ref``'s
        dtype, at the padded batch input size."""
        size = tuple(ref.shape[-2:])
        targets = []
        for sample in data_samples:
            gt = sample.gt_instances
            if 'masks' not in gt:
                raise KeyError(
                    'VGLAWHead (with_res) got a sample without GT masks '
                    f'(img_path={sample.metainfo.get("img_path")}, '
                    f'ref_id={sample.metainfo.get("ref_id")}): load them with'
                    ' LoadAnnotations(with_mask=True, poly2mask=True).')
            masks = gt.masks.to_tensor(ref.dtype, ref.device)
            if tuple(masks.shape[-2:]) != size:
                raise ValueError(
                    f'GT masks of size {tuple(masks.shape[-2:])} for a batch '
                    f'input of {size} (img_path='
                    f'{sample.metainfo.get("img_path")}): set pad_mask=True '
                    'in the DetDataPreprocessor.')
            targets.append(
                masks.amax(dim=0) if len(masks) else ref.new_zeros(size))
        return torch.stack(targets)

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> dict:
        """L1 + GIoU on the box and/or focal + dice on the mask."""
        outputs = self(feats)
        losses = {}
        if self.with_rec:
            losses.update(self.rec_losses(outputs, data_samples))
        if self.with_res:
            logits = outputs['mask_logits']
            target = self.gt_masks(data_samples, logits)
            losses['loss_mask'] = self.loss_mask(
                logits.reshape(-1, 1), target.reshape(-1, 1))
            losses['loss_dice'] = self.loss_dice(
                logits.flatten(1), target.flatten(1))
        return losses

    def rec_losses(self, outputs: Dict[str, Tensor],
                   data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        """L1 + GIoU of the box to the target."""
        boxes = outputs['boxes']
        return self.box_losses(boxes, self.gt_targets(data_samples, boxes))

    def predict_masks(self, mask_logits: Tensor,
                      data_samples: List[DetDataSample],
                      rescale: bool) -> List[Tensor]:
        """(1, h, w) bool masks in ``img_shape`` or, with ``rescale``,
        ``ori_shape`` pixels."""
        masks = []
        for logits, sample in zip(mask_logits, data_samples):
            img_h, img_w = sample.metainfo['img_shape'][:2]
            probs = logits[:img_h, :img_w].sigmoid()
            if rescale:
                ori_h, ori_w = sample.metainfo['ori_shape'][:2]
                probs = F.interpolate(
                    probs[None, None],
                    size=(int(ori_h), int(ori_w)),
                    mode='bilinear',
                    align_corners=False)[0, 0]
            masks.append(probs[None] >= self.mask_thr)
        return masks

    def predict(self,
                feats: GroundingFeatures,
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        """One box (and one mask with the RES branch) per sample."""
        outputs = self(feats)
        if self.with_rec:
            boxes = outputs['boxes']
            scores = boxes.new_ones(boxes.shape[0], 1)
            results = self.to_instances(boxes[:, None], scores, data_samples,
                                        rescale)
        if not self.with_res:
            return results
        masks = self.predict_masks(outputs['mask_logits'], data_samples,
                                   rescale)
        if not self.with_rec:
            results = []
            for mask in masks:
                score = mask.any().to(torch.float32)[None]
                results.append(
                    InstanceData(
                        bboxes=mask2bbox(mask),
                        scores=score,
                        labels=torch.zeros(
                            1, dtype=torch.long, device=mask.device)))
        for result, mask in zip(results, masks):
            result.masks = mask
        return results
