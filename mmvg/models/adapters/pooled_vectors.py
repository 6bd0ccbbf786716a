"""Fill the contract's pooled vectors for heads whose encoder lacks them."""
from typing import Optional

from mmengine.model import BaseModule

from mmvg.models.utils import masked_mean
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures


@MODELS.register_module()
class PooledVectors(BaseModule):
    """Set ``object_token`` and/or ``sentence`` from the tokens, without
    parameters, so that a head that reads them (SimVG's token branch, the
    VG-LAW head) can sit under an encoder that does not make them.

    Args:
        object_token: ``'visual_mean'`` (masked mean of the visual tokens)
            or None to keep the encoder's.
        sentence: ``'text_mean'`` (masked mean of the text tokens),
            ``'text_first'`` (the first token, a [CLS] / <s>) or None.
    """

    def __init__(self,
                 object_token: Optional[str] = None,
                 sentence: Optional[str] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if object_token not in (None, 'visual_mean'):
            raise ValueError("object_token must be None or 'visual_mean', "
                             f'got {object_token!r}')
        if sentence not in (None, 'text_mean', 'text_first'):
            raise ValueError("sentence must be None, 'text_mean' or "
                             f"'text_first', got {sentence!r}")
        self.object_token = object_token
        self.sentence = sentence

    def forward(self, feats: GroundingFeatures) -> GroundingFeatures:
        changes = {}
        if self.object_token:
            changes['object_token'] = masked_mean(feats.visual,
                                                  feats.visual_mask)
        if self.sentence:
            feats.require('text', by=type(self).__name__)
            changes['sentence'] = masked_mean(
                feats.text, feats.text_mask) if self.sentence == 'text_mean' \
                else feats.text[:, 0]
        return feats.replace(**changes)
