"""GroundingInferencer: image(s) + expression(s) -> boxes (and masks)."""
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

from mmvg.registry import MODELS
from mmvg.utils import register_all_modules
from mmvg.utils.checkpoint_fit import allowed_missing, load_fitting_checkpoint

ImageType = Union[str, np.ndarray]


class GroundingInferencer:
    """Run a trained grounder on images and expressions.

    The config's test pipeline is reused without its annotation loading, so
    images are resized exactly as at evaluation; predictions come back in
    original-image pixels.

    Args:
        config: config file or ``Config``.
        checkpoint: weights to load (None keeps the config's init).
        device: ``'cpu'``, ``'cuda'``, ...
        strict: refuse a checkpoint whose keys or shapes do not fit the
            model (beyond the config's and the model's
            ``checkpoint_allow_missing``); False loads what fits and warns.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 strict: bool = True) -> None:
        register_all_modules()
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        self.model = MODELS.build(cfg.model)
        if checkpoint is not None:
            load_fitting_checkpoint(self.model, checkpoint, strict,
                                    allowed_missing(self.model, cfg))
        self.model.to(device).eval()
        steps = [
            step for step in cfg.test_dataloader.dataset.pipeline
            if step['type'] != 'LoadAnnotations'
        ]
        self.pipeline = Compose(steps)
        self.array_pipeline = Compose(
            [dict(type='mmdet.LoadImageFromNDArray')] + steps[1:])

    def _pack(self, index: int, image: ImageType, text: str) -> dict:
        info = dict(text=text, ref_id=index, sent_id=index, img_id=index)
        if isinstance(image, str):
            return self.pipeline(dict(info, img_path=image))
        return self.array_pipeline(dict(info, img=image, img_path=None))

    @torch.no_grad()
    def __call__(self,
                 images: Union[ImageType, Sequence[ImageType]],
                 texts: Union[str, Sequence[str]],
                 batch_size: int = 8) -> List[DetDataSample]:
        """Ground each ``texts[i]`` in ``images[i]`` (one image may serve
        several expressions: pass it once with a list of texts).

        Returns:
            one ``DetDataSample`` per expression, with ``pred_instances``.
        """
        texts = [texts] if isinstance(texts, str) else list(texts)
        if isinstance(images, (str, np.ndarray)):
            images = [images] * len(texts)
        if len(images) != len(texts):
            raise ValueError(f'{len(images)} images but {len(texts)} '
                             'expressions.')
        packed = [
            self._pack(i, image, text)
            for i, (image, text) in enumerate(zip(images, texts))
        ]
        results = []
        for start in range(0, len(packed), batch_size):
            batch = pseudo_collate(packed[start:start + batch_size])
            results += self.model.test_step(batch)
        return results
