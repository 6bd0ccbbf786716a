"""BaseGrounder: owns the loss / predict / tensor modes of every method."""
from abc import ABCMeta, abstractmethod
from typing import Dict, List, Optional, Tuple, Union

from mmdet.structures import DetDataSample
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmvg.models.utils import batch_padding_mask
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

SampleList = List[DetDataSample]


class BaseGrounder(BaseModel, metaclass=ABCMeta):
    """Base class of grounders: image + expression -> boxes (and masks).

    A subclass implements :meth:`extract_feat` (encode and fuse both
    modalities into one :class:`GroundingFeatures`, padding masks made
    there); the head, built from ``bbox_head``, reads only those features
    and the data samples to give losses or predictions, so any encoder can
    sit under any head. Predictions land in ``pred_instances`` of each
    sample, in original-image pixels when ``rescale`` is True.

    The common parts are built here, in this order, from their configs:
    ``backbone``, ``text_encoder``, ``neck``, ``fusion`` (the optional ones
    when given; :meth:`build_fusion` says how) and ``bbox_head``; a
    method's grounder adds only what is its own.

    Args:
        backbone: visual (or multimodal) encoder config.
        bbox_head: head config.
        text_encoder: optional text encoder config.
        neck: optional neck config (e.g. mmdet ``ChannelMapper``).
        fusion: optional fusion config.
        adapters: optional configs of contract adapters (``mmvg.models.
            adapters``: features in, features out), run in order between
            the encoder and the head; they let a config put a head under an
            encoder that does not produce all it reads.
    """

    def __init__(self,
                 backbone: dict,
                 bbox_head: dict,
                 text_encoder: Optional[dict] = None,
                 neck: Optional[dict] = None,
                 fusion: Optional[dict] = None,
                 adapters: Optional[List[dict]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.adapters = nn.ModuleList(
            MODELS.build(cfg) for cfg in adapters or [])
        self.backbone = MODELS.build(backbone)
        if text_encoder is not None:
            self.text_encoder = MODELS.build(text_encoder)
        if neck is not None:
            self.neck = MODELS.build(neck)
        if fusion is not None:
            self.fusion = self.build_fusion(fusion)
        self.bbox_head = MODELS.build(bbox_head)

    def build_fusion(self, cfg: dict) -> nn.Module:
        """The fusion module from its config (after the encoders)."""
        return MODELS.build(cfg)

    @staticmethod
    def texts_of(data_samples: SampleList) -> List[str]:
        """The expressions of a batch, refusing samples without one."""
        texts = []
        for sample in data_samples:
            if 'text' not in sample:
                raise KeyError('A data sample has no `text`: pack samples '
                               'with PackGroundingInputs. Sample metainfo: '
                               f'{sample.metainfo}')
            texts.append(sample.text)
        return texts

    @staticmethod
    def padding_mask(inputs: Tensor, data_samples: SampleList,
                     size: Tuple[int, int]) -> Tensor:
        """(B, h*w) bool, True on cells of an (h, w) grid over the batch
        input that lie in its padding (beyond each sample's
        ``img_shape``): the ``visual_mask`` of :class:`GroundingFeatures`.
        """
        return batch_padding_mask(
            inputs, tuple(inputs.shape[-2:]),
            [sample.metainfo['img_shape'][:2]
             for sample in data_samples], size).flatten(1)

    def map_features(self, inputs: Tensor, data_samples: SampleList,
                     visual: Tensor, text: Dict[str,
                                                Tensor]) -> GroundingFeatures:
        """The contract from a (B, C, h, w) visual map and a text encoder's
        output (``feats``, ``padding_mask``, ``cls``, as ``HFTextEncoder``
        gives them); the [CLS] feature is the ``sentence``."""
        hw = tuple(visual.shape[-2:])
        return GroundingFeatures(
            visual=visual.flatten(2).transpose(1, 2),
            visual_hw=hw,
            visual_mask=self.padding_mask(inputs, data_samples, hw),
            input_hw=tuple(inputs.shape[-2:]),
            text=text['feats'],
            text_mask=text['padding_mask'],
            sentence=text['cls'])

    @abstractmethod
    def extract_feat(self, inputs: Tensor,
                     data_samples: SampleList) -> GroundingFeatures:
        """Encode images and expressions into the head's input features."""

    def features(self, inputs: Tensor,
                 data_samples: SampleList) -> GroundingFeatures:
        """:meth:`extract_feat`, then the adapters: what the head reads."""
        feats = self.extract_feat(inputs, data_samples)
        for adapter in self.adapters:
            feats = adapter(feats)
        return feats

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Union[Dict, SampleList, Tensor]:
        """Dispatch to ``loss``, ``predict`` or ``_forward``."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": use loss, predict or '
                           'tensor.')

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Losses of a batch."""
        feats = self.features(inputs, data_samples)
        return self.bbox_head.loss(feats, data_samples)

    def predict(self,
                inputs: Tensor,
                data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Predict boxes; ``rescale`` maps them to original-image pixels."""
        feats = self.features(inputs, data_samples)
        results = self.bbox_head.predict(feats, data_samples, rescale=rescale)
        for sample, result in zip(data_samples, results):
            sample.pred_instances = result
        return data_samples

    def _forward(self,
                 inputs: Tensor,
                 data_samples: Optional[SampleList] = None) -> tuple:
        """Raw head outputs, for analysis tools (FLOPs, export)."""
        feats = self.features(inputs, data_samples)
        return self.bbox_head(feats)
