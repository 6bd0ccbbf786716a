"""ScanFormer: referring expression comprehension by iteratively scanning
an image pyramid, coarse to fine (Su et al., CVPR 2024)."""
from typing import List

import torch
from mmdet.structures import DetDataSample
from torch import Tensor

from mmvg.registry import MODELS, TASK_UTILS
from mmvg.structures import GroundingFeatures, ScaleOutputs
from .base_grounder import BaseGrounder


@MODELS.register_module()
class ScanFormer(BaseGrounder):
    """A scanning encoder (``ScanningEncoder`` over ViLT, or BEiT-3, ...)
    reads the expression, then the pyramid from its coarsest scale, keeping
    at each finer scale only the patches the previous one selected; a head
    predicts from the per-scale [REG] tokens.

    The contract it hands the head: ``scales`` (per-scale [REG] tokens,
    gates, exit scale), ``object_token`` (the [REG] token of each sample's
    exit scale, so single-token heads such as ``RegTokenHead`` work),
    ``visual`` (the last scale's patch outputs on its full grid; dropped
    patches carry the constant token's output) and ``text``. At inference
    a head's ``exit_rule()`` (e.g. ``ScaleRegHead`` with ``early_exit``)
    stops the scan early.

    Args:
        backbone: ``ScanningEncoder`` config.
        tokenizer: tokenizer config (TASK_UTILS) giving ``text_ids`` and
            ``text_padding_mask`` for the scanned encoder
            (``WordPieceTokenizer`` for ViLT, ``BEiT3Tokenizer``).
        bbox_head: head config (``ScaleRegHead``, or any head reading the
            contract).
        others: see :class:`BaseGrounder`.
    """

    def __init__(self, backbone: dict, tokenizer: dict, bbox_head: dict,
                 **kwargs) -> None:
        super().__init__(backbone, bbox_head, **kwargs)
        self.tokenizer = TASK_UTILS.build(tokenizer)
        rows = self.backbone.ops.vocab_size
        if self.tokenizer.vocab_size > rows:
            raise ValueError(
                f'the tokenizer gives {self.tokenizer.vocab_size} token ids '
                f'but the encoder embeds {rows}; set the encoder\'s '
                'vocab_size to the vocabulary of its tokenizer')

    def extract_feat(self, inputs: Tensor,
                     data_samples: List[DetDataSample]) -> GroundingFeatures:
        """Scan the batch; see the class doc for what the contract holds."""
        text = {
            key: value.to(inputs.device)
            for key, value in self.tokenizer(self.texts_of(
                data_samples)).items()
        }
        exit_rule = None
        if not self.training and hasattr(self.bbox_head, 'exit_rule'):
            exit_rule = self.bbox_head.exit_rule()
        out = self.backbone(
            inputs,
            text['text_ids'],
            text['text_padding_mask'],
            img_shapes=[s.metainfo['img_shape'][:2] for s in data_samples],
            exit_rule=exit_rule)
        scales = ScaleOutputs(
            tokens=out['reg'],
            patches=out['patches'],
            gates=out['gates'],
            scores=out['scores'],
            present=out['present'],
            grids=out['grids'],
            exit_scale=out['exit_scale'])
        return GroundingFeatures(
            visual=out['patches'][-1],
            visual_hw=out['grids'][-1],
            visual_mask=~out['present'][-1],
            input_hw=tuple(inputs.shape[-2:]),
            text=out['text'],
            text_mask=text['text_padding_mask'],
            object_token=out['reg'][torch.arange(len(inputs)),
                                    out['exit_scale']],
            scales=scales)
