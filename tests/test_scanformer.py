"""The ScanFormer grounder: the contract it hands heads, per-scale losses
and the exit-scale prediction, early exit, the WordPiece tokenizer, and
heads of other methods under it."""
import math
import warnings

import pytest
import torch
from mmdet.structures.bbox import bbox_cxcywh_to_xyxy
from test_models_transvg import make_batch

from mmvg.models.heads.scale_reg_head import BoxAgreementExit
from mmvg.models.language_models import WordPieceTokenizer
from mmvg.registry import MODELS
from mmvg.structures import ScaleOutputs

DIMS = 32


def tiny_scanformer(vocab_file, head='ScaleRegHead', **head_kwargs):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='ScanFormer',
            data_preprocessor=dict(
                type='DetDataPreprocessor', pad_size_divisor=64),
            tokenizer=dict(
                type='WordPieceTokenizer',
                vocab_file=vocab_file,
                max_length=12),
            backbone=dict(
                type='ScanningEncoder',
                encoder=dict(
                    type='ViLT',
                    vocab_size=32,
                    max_text_len=12,
                    img_size=64,
                    patch_size=16,
                    embed_dims=DIMS,
                    num_layers=2,
                    num_heads=2,
                    mlp_ratio=2.0),
                num_scales=3,
                selector=dict(type='PatchSelector', init_bias=0.0)),
            bbox_head=dict(type=head, in_channels=DIMS, **head_kwargs)))
    model.init_weights()
    return model


def test_wordpiece_tokenizer(vocab_file):
    tokenizer = WordPieceTokenizer(vocab_file, max_length=6)
    out = tokenizer(['the red circle', 'left'])
    vocab = tokenizer.tokenizer.vocab
    assert out['text_ids'].tolist() == [[
        vocab[t] for t in ('[CLS]', 'the', 'red', 'circle', '[SEP]')
    ], [vocab['[CLS]'], vocab['left'], vocab['[SEP]'], 0, 0]]
    assert out['text_padding_mask'].tolist() == [[False] * 5,
                                                 [False] * 3 + [True] * 2]
    with pytest.warns(UserWarning, match='1 of 1 expressions exceed 6'):
        cut = tokenizer(['the red circle left of the blue square'])
    assert cut['text_ids'].shape == (1, 6)
    with pytest.raises(
            ValueError, match='Expression 1 of the batch is '
            'empty'):
        tokenizer(['red', '  '])


def test_contract_and_losses_of_every_scale(vocab_file):
    model = tiny_scanformer(vocab_file)
    inputs, samples = make_batch()
    feats = model.extract_feat(inputs, samples)
    scales = feats.scales
    assert scales.tokens.shape == (3, 3, DIMS)
    assert scales.grids == [(1, 1), (2, 2), (4, 4)]
    assert feats.visual_hw == (4, 4) and feats.visual.shape == (3, 16, DIMS)
    # img_shape (64, 48) of the 64 x 64 input: the last column is padding
    assert feats.visual_mask.view(3, 4, 4)[:, :, 3].all()
    assert not feats.visual_mask.view(3, 4, 4)[:, :, :3].any()
    assert torch.equal(feats.object_token, scales.tokens[:, 2])
    losses = model.bbox_head.loss(feats, samples)
    assert set(losses) == {
        f'{name}_s{s}'
        for name in ('loss_bbox', 'loss_iou')
        for s in range(3)
    } | {'loss_budget'}
    # each scale's L1 is that of its own box against the target
    boxes = model.bbox_head(feats)
    target = model.bbox_head.gt_targets(samples, boxes)
    for s in range(3):
        expected = 5.0 * (boxes[:, s] - target).abs().mean()
        assert losses[f'loss_bbox_s{s}'].item() == pytest.approx(
            expected.item(), rel=1e-5)
    sum(losses.values()).backward()
    assert model.backbone.selectors[0].score.weight.grad.abs().sum() > 0


def test_scale_weights_and_no_budget(vocab_file):
    model = tiny_scanformer(
        vocab_file, scale_weights=[0.0, 0.5, 1.0], loss_budget=None)
    inputs, samples = make_batch()
    feats = model.extract_feat(inputs, samples)
    losses = model.bbox_head.loss(feats, samples)
    model.bbox_head.scale_weights = None
    unweighted = model.bbox_head.loss(feats, samples)
    assert 'loss_budget' not in losses
    assert losses['loss_iou_s0'].item() == 0.0
    assert losses['loss_iou_s1'].item() == pytest.approx(
        0.5 * unweighted['loss_iou_s1'].item(), rel=1e-5)
    model.bbox_head.scale_weights = [1.0]
    with pytest.raises(ValueError, match='scale_weights has 1 entries for 3'):
        model.bbox_head.loss(feats, samples)


def test_prediction_is_the_exit_scale_box(vocab_file):
    model = tiny_scanformer(vocab_file).eval()
    inputs, samples = make_batch()
    with torch.no_grad():
        feats = model.extract_feat(inputs, samples)
        boxes = model.bbox_head(feats)
        exited = feats.replace(
            scales=feats.scales.replace(exit_scale=torch.tensor([0, 1, 2])))
        preds = model.bbox_head.predict(exited, samples, rescale=False)
    for i, pred in enumerate(preds):
        expected = bbox_cxcywh_to_xyxy(boxes[i, i]) * 64
        torch.testing.assert_close(pred.bboxes[0], expected)


def test_box_agreement_exit_by_hand():
    # boxes are the [REG] values themselves (cxcywh)
    rule = BoxAgreementExit(lambda reg, *args: reg, iou_thr=0.5)
    first = torch.tensor([[0.5, 0.5, 0.2, 0.2], [0.5, 0.5, 0.2, 0.2]])
    second = torch.tensor([[0.5, 0.5, 0.2, 0.2], [0.55, 0.5, 0.2, 0.2]])
    assert rule(0, first, None, None, None).tolist() == [False, False]
    # IoU 1 and IoU (0.15 * 0.2) / (2 * 0.04 - 0.03) = 0.6
    assert rule(1, second, None, None, None).tolist() == [True, True]
    third = torch.tensor([[0.5, 0.5, 0.2, 0.2], [0.7, 0.5, 0.2, 0.2]])
    assert rule(2, third, None, None, None).tolist() == [True, False]


def test_early_exit_in_predict(vocab_file):
    model = tiny_scanformer(vocab_file, early_exit=dict(iou_thr=0.0)).eval()
    for selector in model.backbone.selectors:  # read everything
        torch.nn.init.constant_(selector.score.bias, 1e4)
    inputs, samples = make_batch()
    with torch.no_grad():
        feats = model.features(inputs, samples)
    # agreement >= 0 always holds: every sample stops after scale 1
    assert feats.scales.exit_scale.tolist() == [1, 1, 1]
    assert feats.scales.tokens.shape[1] == 2
    model.bbox_head.early_exit = None
    with torch.no_grad():
        assert model.features(inputs, samples).scales.exit_scale.tolist() \
            == [2, 2, 2]
    model.bbox_head.early_exit = dict(iou_thr=0.0)
    model.train()  # never in training
    assert model.extract_feat(inputs, samples).scales.tokens.shape[1] == 3


@pytest.mark.parametrize('head', ['ScaleCellHead', 'RegTokenHead'])
def test_other_heads_under_scanformer(vocab_file, head):
    model = tiny_scanformer(vocab_file, head=head)
    inputs, samples = make_batch()
    losses = model.loss(inputs, samples)
    assert all(torch.isfinite(v) for v in losses.values())
    if head == 'ScaleCellHead':
        assert {'loss_cls_s0', 'loss_cls_s2', 'loss_budget'} <= set(losses)
    model.eval()
    with torch.no_grad():
        results = model.predict(inputs, samples)
    assert all(r.pred_instances.bboxes.shape == (1, 4) for r in results)


def test_scale_cell_head_points_only_at_read_cells(vocab_file):
    model = tiny_scanformer(vocab_file, head='ScaleCellHead').eval()
    head = model.bbox_head
    reg = torch.randn(2, DIMS)
    patches = torch.randn(2, 4, DIMS)
    read = torch.tensor([[True, False, False, True], [False] * 3 + [True]])
    logits, boxes = head.cells(reg, patches, (2, 2), read)
    assert torch.isinf(logits[~read]).all()
    box = head.scale_box(reg, patches, (2, 2), read)
    torch.testing.assert_close(box[1], boxes[1, 3])
    best = logits[0].argmax()
    assert best in (0, 3)
    torch.testing.assert_close(box[0], boxes[0, best])


def test_vocabulary_larger_than_the_embedding_is_refused(vocab_file):
    with pytest.raises(
            ValueError,
            match='tokenizer gives .* token ids but '
            'the encoder embeds 8'):
        MODELS.build(
            dict(
                type='ScanFormer',
                tokenizer=dict(
                    type='WordPieceTokenizer', vocab_file=vocab_file),
                backbone=dict(
                    type='ScanningEncoder',
                    encoder=dict(
                        type='ViLT',
                        vocab_size=8,
                        embed_dims=DIMS,
                        num_layers=2,
                        num_heads=2)),
                bbox_head=dict(type='ScaleRegHead', in_channels=DIMS)))


def test_scale_outputs_are_checked():
    tokens = torch.zeros(2, 2, 4)
    good = dict(
        tokens=tokens,
        patches=[torch.zeros(2, 1, 4),
                 torch.zeros(2, 4, 4)],
        gates=[torch.ones(2, 1), torch.ones(2, 4)],
        scores=[torch.ones(2, 1), torch.ones(2, 4)],
        present=[torch.ones(2, 1, dtype=torch.bool)] * 2,
        grids=[(1, 1), (2, 2)],
        exit_scale=torch.tensor([1, 1]))
    with pytest.raises(
            ValueError,
            match=r'scores and present must be \(B=2, 4, ...\) for grid'):
        ScaleOutputs(**good)
    good['present'] = [
        torch.ones(2, 1, dtype=torch.bool),
        torch.tensor([[True, True, False, False]] * 2)
    ]
    good['gates'][1] = torch.tensor([[1., 0., 0., 0.], [1., 1., 0., 0.]])
    scales = ScaleOutputs(**good)
    torch.testing.assert_close(scales.kept_share(), torch.tensor([1.0, 0.75]))
    with pytest.raises(ValueError, match='grids has 1 entries for 2'):
        ScaleOutputs(**dict(good, grids=[(1, 1)]))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert scales.replace(exit_scale=torch.tensor([0, 0])).exit_scale \
            .tolist() == [0, 0]


def test_keep_loss_by_hand():
    """Target (normalised xyxy) 0.1-0.4 x 0.1-0.3 overlaps cell (0, 0) of
    the 2x2 grid only; cell 3 is padding. The loss is the BCE of the
    scores of the present cells whose parent was read."""
    from mmvg.models.aids import ScaleCellHead
    target = torch.tensor([[0.25, 0.2, 0.3, 0.2]])  # cxcywh
    scales = ScaleOutputs(
        tokens=torch.zeros(1, 2, 4),
        patches=[torch.zeros(1, 1, 4),
                 torch.zeros(1, 4, 4)],
        gates=[torch.ones(1, 1),
               torch.tensor([[1., 0., 0., 1.]])],
        scores=[torch.ones(1, 1),
                torch.tensor([[0.8, 0.4, 0.1, 0.9]])],
        present=[torch.ones(1, 1, dtype=torch.bool)] * 1 +
        [torch.tensor([[True, True, True, False]])],
        grids=[(1, 1), (2, 2)],
        exit_scale=torch.tensor([1]))
    expected = -(math.log(0.8) + math.log(0.6) + math.log(0.9)) / 3
    assert ScaleCellHead.keep_loss(scales, target).item() == \
        pytest.approx(expected, rel=1e-5)
    # the parent not read: no decision, no loss
    scales.gates[0] = torch.zeros(1, 1)
    assert ScaleCellHead.keep_loss(scales, target).item() == 0.0
