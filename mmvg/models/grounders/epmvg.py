"""EpmVG: the TransVG-style grounder with cross-modal distillation from a
frozen CLIP teacher into its visual and language encoders."""
from typing import List, Optional

from mmdet.structures import DetDataSample
from torch import Tensor

from mmvg.registry import MODELS
from .transvg import TransVG


@MODELS.register_module()
class EpmVG(TransVG):
    """:class:`TransVG` whose training adds the losses of a
    ``CrossModalDistiller`` on the encoders' output (before fusion).

    Prediction and tensor mode are TransVG's: the teacher never runs
    there. ``distiller=None`` trains plain TransVG.

    The distiller's teacher reads the student's normalised batch: its
    ``student_mean`` / ``student_std`` / ``bgr_to_rgb`` default to the data
    preprocessor's (mean 0 and std 1 when it does not normalise), and the
    distiller's ``text_dims`` to the text encoder's width.

    Args:
        distiller: ``CrossModalDistiller`` config, or None (off).
        others: see :class:`TransVG`.
    """

    def __init__(self,
                 *args,
                 distiller: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.distiller = (None if distiller is None else MODELS.build(
            self._complete(distiller)))

    def _complete(self, distiller: dict) -> dict:
        """The distiller config with what this grounder knows filled in."""
        preprocessor = self.data_preprocessor
        normalizes = getattr(preprocessor, '_enable_normalize', False)
        teacher = dict(distiller['teacher'])
        teacher.setdefault(
            'student_mean',
            preprocessor.mean.flatten().tolist() if normalizes else [0.] * 3)
        teacher.setdefault(
            'student_std',
            preprocessor.std.flatten().tolist() if normalizes else [1.] * 3)
        teacher.setdefault(
            'bgr_to_rgb',
            not getattr(preprocessor, '_channel_conversion', False))
        distiller = dict(distiller, teacher=teacher)
        distiller.setdefault('text_dims', self.text_encoder.embed_dims)
        return distiller

    def loss(self, inputs: Tensor, data_samples: List[DetDataSample]) -> dict:
        """The head's losses and, with a distiller, ``loss_distill_*``."""
        if self.distiller is None:
            return super().loss(inputs, data_samples)
        encoded = self.encode(inputs, data_samples)
        feats = self.head_features(self.fusion(encoded), data_samples)
        losses = self.bbox_head.loss(feats, data_samples)
        losses.update(
            self.distiller(inputs, self.texts_of(data_samples), encoded))
        return losses
