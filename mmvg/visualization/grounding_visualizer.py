"""Draw an expression with its ground-truth and predicted boxes / masks."""
import textwrap
from typing import Optional

import mmcv
import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import get_box_tensor
from mmdet.visualization import DetLocalVisualizer
from mmengine.dist import master_only

from mmvg.registry import VISUALIZERS


@VISUALIZERS.register_module()
class GroundingVisualizer(DetLocalVisualizer):
    """One panel per expression: targets in green, predictions in red.

    mmdet's visualizer draws class names and stitches GT/prediction side by
    side; grounding needs the expression on the picture instead, and the
    top prediction of a REC model even when its score is low.

    Args:
        min_size: small images are upscaled to this long side for drawing.
        gt_color, pred_color: RGB colours of targets and predictions.
    """

    def __init__(self,
                 name: str = 'visualizer',
                 min_size: int = 384,
                 gt_color: tuple = (0, 200, 0),
                 pred_color: tuple = (230, 30, 30),
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.min_size = min_size
        self.gt_color = gt_color
        self.pred_color = pred_color

    def _draw_layer(self, boxes: torch.Tensor, masks, color: tuple,
                    scale: float, width: int) -> None:
        if masks is not None and len(masks):
            masks = masks.to_ndarray() if hasattr(masks, 'to_ndarray') \
                else np.asarray(masks)
            masks = np.stack([
                mmcv.imrescale(
                    m.astype(np.uint8), scale, interpolation='nearest')
                for m in masks
            ]).astype(bool)
            self.draw_binary_masks(masks, colors=[color], alphas=0.4)
        if len(boxes):
            self.draw_bboxes(
                boxes * scale, edge_colors=[color], line_widths=width)

    @master_only
    def add_datasample(self,
                       name: str,
                       image: np.ndarray,
                       data_sample: Optional[DetDataSample] = None,
                       draw_gt: bool = True,
                       draw_pred: bool = True,
                       show: bool = False,
                       wait_time: float = 0,
                       out_file: Optional[str] = None,
                       pred_score_thr: float = 0.3,
                       step: int = 0) -> None:
        """Draw the sample; predictions with score >= ``pred_score_thr``
        plus always the top-scoring one."""
        scale = max(1.0, self.min_size / max(image.shape[:2]))
        image = mmcv.imrescale(image, scale) if scale > 1 else image
        self.set_image(image)
        width = max(2, int(round(scale)))
        if data_sample is not None and draw_gt and 'gt_instances' in \
                data_sample:
            gt = data_sample.gt_instances
            self._draw_layer(
                get_box_tensor(gt.bboxes), gt.get('masks'), self.gt_color,
                scale, width)
        if data_sample is not None and draw_pred and 'pred_instances' in \
                data_sample:
            pred = data_sample.pred_instances
            keep = pred.scores >= pred_score_thr
            if len(pred.scores):
                keep[pred.scores.argmax()] = True
            pred = pred[keep]
            self._draw_layer(pred.bboxes, pred.get('masks'), self.pred_color,
                             scale, width)
        if data_sample is not None and 'text' in data_sample:
            font_size = max(10, int(image.shape[0] / 28))
            # a character is at most ~0.75 font sizes wide: wrap to fit
            width = max(8, int(image.shape[1] / (0.75 * font_size)))
            self.draw_texts(
                '\n'.join(textwrap.wrap(data_sample.text, width)),
                np.array([4, 4]),
                colors='white',
                font_sizes=font_size,
                bboxes=[
                    dict(
                        facecolor='black', alpha=0.6, pad=2, edgecolor='none')
                ])
        drawn = self.get_image()
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(drawn[..., ::-1], out_file)
        else:
            self.add_image(name, drawn, step)
