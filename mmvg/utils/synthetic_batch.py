"""A batch of random inputs packed as the test pipeline packs samples, so
a model's ``test_step`` can be run without data."""
from typing import Dict, Tuple

import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config

from .text_stand_ins import type_name

#: the expression of every synthetic sample: 8 words, all in the synthetic
#: vocabulary (which the text stand-ins tokenize)
EXPRESSION = 'the red circle left of the blue square'


def pipeline_input_size(cfg: Config) -> Tuple[int, int]:
    """(height, width) that the config's test pipeline resizes images to:
    the ``scale`` (width, height, or one side) of its last ``Resize``."""
    pipeline = cfg.get('test_dataloader', {}).get('dataset',
                                                  {}).get('pipeline', [])
    scales = [
        step['scale'] for step in pipeline
        if type_name(step) == 'Resize' and 'scale' in step
    ]
    if not scales:
        raise ValueError('the config has no Resize with a `scale` in '
                         'test_dataloader.dataset.pipeline: give the input '
                         'size (--size H W)')
    scale = scales[-1]
    width, height = (scale, scale) if isinstance(scale, int) else scale
    return height, width


def synthetic_batch(batch_size: int,
                    size: Tuple[int, int],
                    device: torch.device,
                    expression: str = EXPRESSION) -> Dict[str, list]:
    """``batch_size`` random uint8 BGR images of ``size`` (on ``device``),
    each with ``expression`` and the metainfo the heads read (the image
    taken as already resized: scale factor 1)."""
    if batch_size < 1:
        raise ValueError(f'batch size must be >= 1, got {batch_size}')
    height, width = size
    if height < 1 or width < 1:
        raise ValueError(f'input size must be positive, got {size}')
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(
            torch.randint(
                0,
                256, (3, height, width),
                dtype=torch.uint8,
                generator=generator).to(device))
        sample = DetDataSample(
            metainfo=dict(
                img_shape=(height, width),
                ori_shape=(height, width),
                batch_input_shape=(height, width),
                scale_factor=(1., 1.)))
        sample.text = expression
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)
