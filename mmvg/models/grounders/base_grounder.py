"""BaseGrounder: owns the loss / predict / tensor modes of every method."""
from contextlib import AbstractContextManager
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmdet.structures import DetDataSample
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmvg.models.distillers import student_input_of
from mmvg.models.utils import batch_padding_mask
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

SampleList = List[DetDataSample]


class BaseGrounder(BaseModel):
    """Base class of grounders: image + expression -> boxes (and masks).

    A subclass implements :meth:`encode` (both modalities encoded, before
    any fusion, into one :class:`GroundingFeatures`, padding masks made
    there), which :meth:`fuse` then fuses (the ``fusion`` module, when
    given); or, when one encoder reads both modalities at once (SimVG,
    ScanFormer), :meth:`extract_feat` in place of both. The head, built
    from ``bbox_head``, reads only those features and the data samples to
    give losses or predictions, so any encoder can sit under any head.
    Predictions land in ``pred_instances`` of each sample, in
    original-image pixels when ``rescale`` is True.

    A step runs encode (:meth:`extract_feat`, then the ``adapters``), then
    an optional query stage, as mmdet's ``DetectionTransformer`` has it: a
    ``query_generator`` makes object queries from the features
    (``pre_decoder``) and a ``decoder`` decodes them (``forward_decoder``);
    they reach the head as ``feats.queries``
    (:class:`GroundingQueries`). The decoder does not run in prediction when
    the head says it does not read it (``decodes_at_test = False``).

    The common parts are built here, in this order, from their configs:
    ``backbone``, ``text_encoder``, ``neck``, ``fusion`` (the optional ones
    when given; :meth:`build_fusion` says how), ``query_generator``,
    ``decoder``, ``bbox_head`` and ``distiller``; a method's grounder adds
    only what is its own.

    A ``distiller`` is a training-time module: in ``loss`` mode it reads
    the batch, the expressions and the output of :meth:`encode` and adds
    its losses (e.g. EpmVG's ``CrossModalDistiller``, a frozen CLIP teacher
    whose losses train the encoders). ``predict`` and ``tensor`` modes
    never run it; ``distiller=None`` is the grounder without it.

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
        query_generator: optional config of the query generation step
            (e.g. SimVG's ``TextGuidedQueryGenerator``): features and image
            metas in, :class:`GroundingQueries` out.
        decoder: optional config of the decoding step (e.g.
            ``VisualQueryDecoder``): features and queries in, states
            (L, B, Q, D) out; needs a ``query_generator``.
        frozen_modules: names of submodules (dotted, e.g.
            ``'bbox_head.decoder_branch'``) that do not learn: no gradients,
            kept in eval mode, and the query stage's ones run without
            autograd (e.g. a frozen teacher).
        distiller: optional config of a training-time module on the
            encoded features (``CrossModalDistiller``); see
            :meth:`build_distiller` for what it is given.
    """

    def __init__(self,
                 backbone: dict,
                 bbox_head: dict,
                 text_encoder: Optional[dict] = None,
                 neck: Optional[dict] = None,
                 fusion: Optional[dict] = None,
                 adapters: Optional[List[dict]] = None,
                 query_generator: Optional[dict] = None,
                 decoder: Optional[dict] = None,
                 frozen_modules: Sequence[str] = (),
                 distiller: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if decoder is not None and query_generator is None:
            raise ValueError('A decoder needs a query_generator to make its '
                             'queries.')
        self.adapters = nn.ModuleList(
            MODELS.build(cfg) for cfg in adapters or [])
        self.backbone = MODELS.build(backbone)
        if text_encoder is not None:
            self.text_encoder = MODELS.build(text_encoder)
        if neck is not None:
            self.neck = MODELS.build(neck)
        if fusion is not None:
            self.fusion = self.build_fusion(fusion)
        self.query_generator = (None if query_generator is None else
                                MODELS.build(query_generator))
        self.decoder = None if decoder is None else MODELS.build(decoder)
        self.bbox_head = MODELS.build(bbox_head)
        self.frozen_modules = tuple(frozen_modules)
        for name in self.frozen_modules:
            self.frozen_module(name).requires_grad_(False)
        self.distiller = (None if distiller is None else
                          self.build_distiller(distiller))

    def frozen_module(self, name: str) -> nn.Module:
        """The submodule ``name`` of ``frozen_modules``, named clearly when
        this model has none."""
        try:
            return self.get_submodule(name)
        except AttributeError:
            raise ValueError(
                f'frozen_modules names {name!r}, which {type(self).__name__}'
                ' does not have.') from None

    def train(self, mode: bool = True) -> 'BaseGrounder':
        """Keep the frozen modules in eval mode (no dropout)."""
        super().train(mode)
        for name in self.frozen_modules:
            self.frozen_module(name).eval()
        return self

    def grad_of(self, name: str) -> AbstractContextManager:
        """Autograd off while a frozen module (``name``) runs."""
        return torch.set_grad_enabled(torch.is_grad_enabled()
                                      and name not in self.frozen_modules)

    def build_fusion(self, cfg: dict) -> nn.Module:
        """The fusion module from its config (after the encoders)."""
        return MODELS.build(cfg)

    def build_distiller(self, cfg: dict) -> nn.Module:
        """The distiller from its config, with what this grounder knows
        where the config leaves it out: its ``teacher`` reads this data
        preprocessor's batches (:func:`student_input_of`: mean, std, channel
        order) and its ``text_dims`` is the text encoder's width."""
        if type(self).encode is BaseGrounder.encode:
            raise ValueError(
                f'{type(self).__name__} has no pre-fusion encoding step '
                '(`encode`) for a distiller to read.')
        cfg = dict(cfg)
        if 'teacher' in cfg:
            cfg['teacher'] = {
                **student_input_of(self.data_preprocessor),
                **cfg['teacher']
            }
        if hasattr(self, 'text_encoder'):
            cfg.setdefault('text_dims', self.text_encoder.embed_dims)
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

    def encode(self, inputs: Tensor,
               data_samples: SampleList) -> GroundingFeatures:
        """Images and expressions encoded before any fusion: what a
        ``distiller`` reads."""
        raise NotImplementedError(
            f'{type(self).__name__} implements neither `encode` nor '
            '`extract_feat`.')

    def fuse(self, feats: GroundingFeatures) -> GroundingFeatures:
        """The encoded features through the ``fusion`` module; as they are
        without one."""
        fusion = getattr(self, 'fusion', None)
        return feats if fusion is None else fusion(feats)

    def extract_feat(self, inputs: Tensor,
                     data_samples: SampleList) -> GroundingFeatures:
        """Encode images and expressions into the head's input features:
        :meth:`encode`, then :meth:`fuse`."""
        return self.fuse(self.encode(inputs, data_samples))

    def features(self,
                 inputs: Tensor,
                 data_samples: Optional[SampleList],
                 decode: bool = True) -> GroundingFeatures:
        """:meth:`extract_feat`, then :meth:`head_features`: what the head
        reads."""
        return self.head_features(
            self.extract_feat(inputs, data_samples), data_samples, decode)

    def head_features(self,
                      feats: GroundingFeatures,
                      data_samples: Optional[SampleList],
                      decode: bool = True) -> GroundingFeatures:
        """The encoded features through the adapters, then the query stage
        (the decoder only with ``decode``)."""
        for adapter in self.adapters:
            feats = adapter(feats)
        return self.query_stage(
            feats, None if data_samples is None else
            [sample.metainfo for sample in data_samples], decode)

    def query_stage(self,
                    feats: GroundingFeatures,
                    img_metas: Optional[List[dict]],
                    decode: bool = True) -> GroundingFeatures:
        """The features with the ``query_generator``'s queries and, with
        ``decode``, the ``decoder``'s states; as they are without a
        ``query_generator``."""
        if self.query_generator is None:
            return feats
        with self.grad_of('query_generator'):
            queries = self.query_generator(feats, img_metas)
        if decode and self.decoder is not None:
            with self.grad_of('decoder'):
                queries = queries.replace(states=self.decoder(feats, queries))
        return feats.replace(queries=queries)

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
        """Losses of a batch: the head's and, with a ``distiller``, its
        losses on the encoded features."""
        if self.distiller is None:
            return self.bbox_head.loss(
                self.features(inputs, data_samples), data_samples)
        encoded = self.encode(inputs, data_samples)
        feats = self.head_features(self.fuse(encoded), data_samples)
        losses = self.bbox_head.loss(feats, data_samples)
        losses.update(
            self.distiller(inputs, self.texts_of(data_samples), encoded))
        return losses

    def predict(self,
                inputs: Tensor,
                data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Predict boxes; ``rescale`` maps them to original-image pixels."""
        feats = self.features(
            inputs,
            data_samples,
            decode=getattr(self.bbox_head, 'decodes_at_test', True))
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
