"""SimVG: a BEiT-3 multimodal encoder with token and decoder branches."""
from typing import Dict, List, Tuple

from mmdet.structures import DetDataSample
from torch import Tensor

from mmvg.registry import MODELS, TASK_UTILS
from mmvg.structures import GroundingFeatures
from .base_grounder import BaseGrounder


def beit3_features(out: Dict, text_mask: Tensor, visual_mask: Tensor,
                   input_hw: Tuple[int, int]) -> GroundingFeatures:
    """BEiT-3's output as the contract: its patch and text tokens, its
    vision [CLS] as the ``object_token``."""
    return GroundingFeatures(
        visual=out['vision'][:, 1:],
        visual_hw=out['vision_hw'],
        visual_mask=visual_mask,
        input_hw=input_hw,
        text=out['text'],
        text_mask=text_mask,
        object_token=out['vision'][:, 0])


@MODELS.register_module()
class SimVG(BaseGrounder):
    """SimVG (Dai et al., NeurIPS 2024): image patches, the expression and
    an object token (the vision [CLS]) are fused by one pre-trained
    multimodal encoder; the head (``SimVGHead``) grounds from its output.

    Args:
        backbone: ``BEiT3`` config.
        tokenizer: ``BEiT3Tokenizer`` config (TASK_UTILS).
        bbox_head: ``SimVGHead`` config.
        others: see :class:`BaseGrounder`.
    """

    def __init__(self, backbone: dict, tokenizer: dict, bbox_head: dict,
                 **kwargs) -> None:
        super().__init__(backbone, bbox_head, **kwargs)
        self.tokenizer = TASK_UTILS.build(tokenizer)

    def extract_feat(self, inputs: Tensor,
                     data_samples: List[DetDataSample]) -> GroundingFeatures:
        """BEiT-3's patch and text tokens; its vision [CLS] is the
        ``object_token``."""
        text = {
            key: value.to(inputs.device)
            for key, value in self.tokenizer(self.texts_of(
                data_samples)).items()
        }
        out = self.backbone(inputs, **text)
        return beit3_features(
            out, text['text_padding_mask'],
            self.padding_mask(inputs, data_samples, out['vision_hw']),
            tuple(inputs.shape[-2:]))
