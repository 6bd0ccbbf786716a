"""SimVG: a BEiT-3 multimodal encoder with token and decoder branches."""
from typing import Dict, List, Optional

from mmdet.structures import DetDataSample
from torch import Tensor

from mmvg.registry import MODELS, TASK_UTILS
from .base_grounder import BaseGrounder


@MODELS.register_module()
class SimVG(BaseGrounder):
    """SimVG (Dai et al., NeurIPS 2024): image patches, the expression and
    an object token (the vision [CLS]) are fused by one pre-trained
    multimodal encoder; the head (``SimVGHead``) grounds from its output.

    Args:
        backbone: ``BEiT3`` config.
        tokenizer: ``BEiT3Tokenizer`` config (TASK_UTILS).
        bbox_head: ``SimVGHead`` config.
    """

    def __init__(self,
                 backbone: dict,
                 tokenizer: dict,
                 bbox_head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.tokenizer = TASK_UTILS.build(tokenizer)
        self.bbox_head = MODELS.build(bbox_head)

    def extract_feat(self, inputs: Tensor,
                     data_samples: List[DetDataSample]) -> Dict:
        """BEiT-3 output: ``vision`` ([CLS] + patches), ``text``,
        ``vision_hw`` and the ``text_padding_mask``."""
        text = {
            key: value.to(inputs.device)
            for key, value in self.tokenizer(
                self.texts_of(data_samples)).items()
        }
        feats = self.backbone(inputs, **text)
        feats['text_padding_mask'] = text['text_padding_mask']
        return feats
