"""GroundingVisualizer draws targets, predictions and the expression; the hook
names one picture per expression."""
import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.structures import InstanceData

from mmvg.visualization import GroundingVisualizer


def sample_with(scores) -> DetDataSample:
    sample = DetDataSample(metainfo=dict(ref_id=3, sent_id=7))
    sample.text = 'the red circle'
    sample.gt_instances = InstanceData(
        bboxes=HorizontalBoxes(torch.tensor([[2., 2., 20., 20.]])))
    sample.pred_instances = InstanceData(
        bboxes=torch.tensor([[30., 30., 60., 60.], [5., 40., 15., 60.]]),
        scores=torch.tensor(scores))
    return sample


def red_pixels(image: np.ndarray) -> int:
    return int(((image[..., 0] > 120) & (image[..., 1] < 60)).sum())


def test_draws_top_prediction_even_below_threshold(tmp_path):
    vis = GroundingVisualizer(name='vis-low', min_size=64)
    image = np.zeros((64, 64, 3), dtype=np.uint8)
    vis.add_datasample(
        'a',
        image,
        sample_with([0.1, 0.05]),
        pred_score_thr=0.3,
        out_file=str(tmp_path / 'a.jpg'))
    drawn = vis.get_image()
    assert drawn.shape == (64, 64, 3)
    assert red_pixels(drawn[28:62, 28:62]) > 0  # the top box
    assert red_pixels(drawn[38:62, 3:17]) == 0  # the low one is skipped
    assert (drawn[..., 1] > 150).any()  # green target
    assert (tmp_path / 'a.jpg').exists()


def test_upscales_small_images_and_writes_text():
    vis = GroundingVisualizer(name='vis-up', min_size=128)
    plain = GroundingVisualizer(name='vis-plain', min_size=128)
    image = np.full((64, 64, 3), 128, dtype=np.uint8)
    sample = sample_with([0.9, 0.8])
    vis.add_datasample('b', image, sample)
    assert vis.get_image().shape == (128, 128, 3)
    del sample.text
    plain.add_datasample('c', image, sample)
    # the caption box darkens the top-left corner
    assert vis.get_image()[2:8, 2:40].mean() < plain.get_image()[2:8,
                                                                 2:40].mean()
