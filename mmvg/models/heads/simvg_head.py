"""SimVG's head: the decoder and token branches' predictors and DWBD."""
from typing import Dict, List, Optional, Tuple

from mmdet.models.utils import unpack_gt_instances
from mmdet.structures import DetDataSample
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

BRANCH_MODULES = dict(db='decoder_branch', tb='token_branch')
BRANCHES = tuple(BRANCH_MODULES)

#: Raw outputs of a branch: class logits and sigmoid cxcywh, (L, B, Q, ·).
BranchOutputs = Tuple[Tensor, Tensor]


@MODELS.register_module()
class SimVGHead(BaseModule):
    """Both SimVG branches over the grounder's features and queries.

    The grounder's query stage makes what the branches read (as in mmdet's
    ``DetectionTransformer``): its ``query_generator`` (TQG) the query
    embeddings, its ``decoder`` the decoder's query states. The decoder
    branch (DB) reads the states; the token branch (TB) the object token
    and the query embeddings.

    Training: the DB learns from the targets; the TB learns from the
    targets and from the DB's matched boxes, balanced by DWBD, both
    together. ``token_branch=None`` builds the DB alone: stage 1 of the
    released two-stage recipe (``branch_loss_weight={"decoder": 1.0}`` in
    the official configs), whose checkpoint stage 2 (both branches) loads.
    Inference uses one branch (``test_branch``); with ``'tb'`` the grounder
    does not run the decoder (:attr:`decodes_at_test`).

    A step runs :meth:`branch_inputs`, :meth:`decode` and
    :meth:`token_outputs`, and in training :meth:`db_losses` and
    :meth:`tb_losses`: subclasses extend those steps.

    Args:
        in_channels: width of the object token (the token branch's input).
        num_queries: queries of both branches: 1 for REC, 10 for GREC.
        decoder_branch: ``SimVGDecoderBranch`` config.
        token_branch: ``SimVGTokenBranch`` config, or None for the
            decoder-only stage 1.
        distill_loss: ``DWBDLoss`` config (unused without a TB).
        test_branch: ``'db'`` or ``'tb'``.
    """

    def __init__(self,
                 in_channels: int,
                 num_queries: int,
                 decoder_branch: dict,
                 token_branch: Optional[dict],
                 distill_loss: Optional[dict] = dict(type='DWBDLoss'),
                 test_branch: str = 'db',
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if test_branch not in BRANCHES:
            raise ValueError(f'test_branch must be one of {BRANCHES}, got '
                             f'{test_branch!r}')
        if token_branch is None and test_branch == 'tb':
            raise ValueError("test_branch='tb' needs a token_branch; the "
                             'decoder-only stage 1 tests with the DB.')
        self.in_channels = in_channels
        self.decoder_branch = MODELS.build(
            dict(decoder_branch, num_queries=num_queries))
        self.token_branch = None
        if token_branch is not None:
            self.token_branch = MODELS.build(
                dict(
                    token_branch,
                    in_channels=in_channels,
                    num_queries=num_queries))
            self.distill_loss = MODELS.build(distill_loss)
        self.test_branch = test_branch

    @property
    def with_token_branch(self) -> bool:
        """False in the decoder-only stage 1 of two-stage training."""
        return self.token_branch is not None

    @property
    def decodes_at_test(self) -> bool:
        """Whether prediction reads the decoder's states."""
        return self.test_branch == 'db'

    def branch_inputs(
            self,
            feats: GroundingFeatures,
            img_metas: Optional[List[dict]],
            gt_instances: Optional[List[InstanceData]] = None) -> dict:
        """What both branches' steps share besides the features: the image
        metas and, in training, the targets."""
        return dict(img_metas=img_metas, gt_instances=gt_instances)

    def decode(self, feats: GroundingFeatures, inputs: dict) -> BranchOutputs:
        """DB outputs, one row per decoder layer."""
        return self.decoder_branch(feats)

    def token_outputs(self, feats: GroundingFeatures,
                      inputs: dict) -> BranchOutputs:
        """TB outputs, one row."""
        return self.token_branch(feats)

    def forward(self,
                feats: GroundingFeatures,
                img_metas: Optional[List[dict]] = None,
                branch: str = 'both') -> Dict[str, BranchOutputs]:
        """Raw outputs (class logits, cxcywh) of the requested branches."""
        inputs = self.branch_inputs(feats, img_metas)
        outputs = {}
        if branch in ('both', 'db'):
            outputs['db'] = self.decode(feats, inputs)
        if branch in ('both', 'tb') and self.with_token_branch:
            outputs['tb'] = self.token_outputs(feats, inputs)
        return outputs

    def loss(self, feats: GroundingFeatures,
             data_samples: List[DetDataSample]) -> Dict[str, Tensor]:
        """DB set losses and, with a TB, the DWBD-weighted TB losses."""
        gt_instances, _, img_metas = unpack_gt_instances(data_samples)
        inputs = self.branch_inputs(feats, img_metas, gt_instances)
        db_outputs = self.decode(feats, inputs)
        losses = self.db_losses(feats, inputs, db_outputs)
        if not self.with_token_branch:
            return losses
        tb_outputs = self.token_outputs(feats, inputs)
        losses.update(self.tb_losses(feats, inputs, tb_outputs, db_outputs))
        return losses

    def db_losses(self, feats: GroundingFeatures, inputs: dict,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """Hungarian losses of every DB layer."""
        return self.decoder_branch.set_losses(
            *db_outputs,
            inputs['gt_instances'],
            inputs['img_metas'],
            prefix='db_')

    def tb_losses(self, feats: GroundingFeatures, inputs: dict,
                  tb_outputs: BranchOutputs,
                  db_outputs: BranchOutputs) -> Dict[str, Tensor]:
        """TB losses to the targets and to the DB's matched boxes, weighted
        by DWBD."""
        gt_instances, img_metas = inputs['gt_instances'], inputs['img_metas']
        db_cls, db_boxes = db_outputs
        teacher, quality = self.decoder_branch.matched_predictions(
            db_cls[-1].detach(), db_boxes[-1].detach(), gt_instances,
            img_metas)
        return self.distill_loss(
            self.token_branch.set_losses(
                *tb_outputs, gt_instances, img_metas, prefix='tb_'),
            self.token_branch.set_losses(
                *tb_outputs, teacher, img_metas, prefix='tb_'), quality)

    def predict(self,
                feats: GroundingFeatures,
                data_samples: List[DetDataSample],
                rescale: bool = True) -> List[InstanceData]:
        """Every query's box and foreground score from ``test_branch``,
        best first (REC reads the first; GREC thresholds the scores)."""
        img_metas = [sample.metainfo for sample in data_samples]
        cls, boxes = self(
            feats, img_metas, branch=self.test_branch)[self.test_branch]
        branch = getattr(self, BRANCH_MODULES[self.test_branch])
        return branch.predict_by_feat(cls, boxes, img_metas, rescale=rescale)
