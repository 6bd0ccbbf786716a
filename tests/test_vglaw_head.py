"""VG-LAW's multi-task head: LAP, mask decoder, losses, task switches and
masks predicted in original-image pixels."""
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData

from mmvg.models.heads.law_head import VGLAWHead
from mmvg.models.layers import LanguageAdaptivePooling, LanguageMaskDecoder
from mmvg.structures import GroundingFeatures

C, D_L, INPUT = 16, 8, 64


def build_head(**kwargs):
    return VGLAWHead(
        in_channels=C,
        lang_dims=D_L,
        pool_dims=8,
        norm_cfg=dict(type='GN', num_groups=4),
        **kwargs)


def make_samples(num=2, img_shape=(64, 48), scale=2.0, with_masks=True):
    """Samples resized by ``scale``, padded to 64x64, target mask a block."""
    samples = []
    for i in range(num):
        sample = DetDataSample(
            metainfo=dict(
                img_shape=img_shape,
                batch_input_shape=(INPUT, INPUT),
                ori_shape=(int(img_shape[0] / scale),
                           int(img_shape[1] / scale)),
                scale_factor=(scale, scale),
                ref_id=i,
                sent_id=i,
                img_path=f'img{i}.jpg'))
        sample.gt_instances = InstanceData(
            bboxes=HorizontalBoxes(torch.tensor([[4. + i, 8., 20., 30.]])),
            labels=torch.zeros(1, dtype=torch.long))
        if with_masks:
            mask = np.zeros((1, INPUT, INPUT), np.uint8)
            mask[0, 8:30, 4 + i:20] = 1
            sample.gt_instances.masks = BitmapMasks(mask, INPUT, INPUT)
        samples.append(sample)
    return samples


def make_feats(num=2, grid=4, visual=None):
    """Features of a (grid x grid) map whose last column is padding (img
    width 48 of 64)."""
    mask = torch.zeros(num, grid, grid, dtype=torch.bool)
    mask[:, :, 3:] = True
    if visual is None:
        visual = torch.randn(num, grid * grid, C, requires_grad=True)
    return GroundingFeatures(
        visual=visual,
        visual_hw=(grid, grid),
        visual_mask=mask.flatten(1),
        input_hw=(INPUT, INPUT),
        sentence=torch.randn(num, D_L))


@pytest.mark.parametrize('with_rec,with_res,keys', [
    (True, True, {'loss_bbox', 'loss_iou', 'loss_mask', 'loss_dice'}),
    (True, False, {'loss_bbox', 'loss_iou'}),
    (False, True, {'loss_mask', 'loss_dice'}),
])
def test_task_switches_select_outputs_and_losses(with_rec, with_res, keys):
    head = build_head(with_rec=with_rec, with_res=with_res)
    feats = make_feats()
    outputs = head(feats)
    assert ('boxes' in outputs) == with_rec
    assert ('mask_logits' in outputs) == with_res
    assert hasattr(head, 'pooling') == with_rec
    assert hasattr(head, 'mask_decoder') == with_res
    if with_rec:
        boxes = outputs['boxes']
        assert boxes.shape == (2, 4) and ((boxes > 0) & (boxes < 1)).all()
    if with_res:
        assert outputs['mask_logits'].shape == (2, INPUT, INPUT)
    losses = head.loss(feats, make_samples())
    assert set(losses) == keys
    total = sum(losses.values())
    assert torch.isfinite(total)
    total.backward()
    assert feats.visual.grad.abs().sum() > 0


def test_no_task_is_refused():
    with pytest.raises(ValueError, match='with_rec and/or with_res'):
        build_head(with_rec=False, with_res=False)


def test_pooling_ignores_padding_cells():
    pooling = LanguageAdaptivePooling(C, D_L, pool_dims=8)
    feats = make_feats()
    visual, mask = feats.visual_map(), feats.visual_mask_map()
    pooled, weights = pooling(visual, feats.sentence, mask)
    assert pooled.shape == (2, C) and weights.shape == (2, 4, 4)
    assert weights[mask].eq(0).all()
    torch.testing.assert_close(weights.sum((1, 2)), torch.ones(2))
    changed = visual.detach().clone()
    changed[:, :, :, 3:] = 1e3
    again, _ = pooling(changed, feats.sentence, mask)
    torch.testing.assert_close(again, pooled)
    unmasked, free = pooling(visual, feats.sentence)
    assert free[mask].gt(0).all()
    assert not torch.allclose(unmasked, pooled)


@pytest.mark.parametrize('stride,layers', [(4, 0), (8, 1), (16, 2)])
def test_mask_decoder_reaches_stride_4(stride, layers):
    decoder = LanguageMaskDecoder(
        C, D_L, in_stride=stride, norm_cfg=dict(type='GN', num_groups=4))
    grid = INPUT // stride
    logits = decoder(torch.randn(2, C, grid, grid), torch.randn(2, D_L))
    assert logits.shape == (2, INPUT // 4, INPUT // 4)
    assert sum(
        isinstance(m, torch.nn.ConvTranspose2d)
        for m in decoder.modules()) == layers


def test_mask_decoder_projects_with_the_language_feature():
    decoder = LanguageMaskDecoder(
        C, D_L, in_stride=8, norm_cfg=dict(type='GN', num_groups=4))
    visual, lang = torch.randn(1, C, 4, 4), torch.randn(1, D_L)
    expected = torch.einsum('bchw,bc->bhw', decoder.upsample(visual), lang)
    torch.testing.assert_close(decoder(visual, lang), expected)
    torch.testing.assert_close(decoder(visual, 2 * lang), 2 * expected)


def test_bad_stride_is_refused():
    with pytest.raises(ValueError, match='in_stride 12'):
        LanguageMaskDecoder(C, D_L, in_stride=12)


def test_mask_loss_prefers_the_target():
    head = build_head(with_rec=False)
    samples = make_samples()
    target = head.gt_masks(samples, torch.zeros(2, INPUT, INPUT))
    assert target.shape == (2, INPUT, INPUT)
    assert target[0, 8:30,
                  4:20].eq(1).all() and target.sum() == (22 * 16 + 22 * 15)

    def losses_for(logits):
        head.forward = lambda feats: dict(mask_logits=logits)
        return head.loss(None, samples)

    good = losses_for(20 * (2 * target - 1))
    bad = losses_for(-20 * (2 * target - 1))
    assert good['loss_mask'] < 1e-3 and good['loss_dice'] < 0.05
    assert bad['loss_mask'] > 1 and bad['loss_dice'] > 3


def test_missing_or_unpadded_masks_are_named():
    head = build_head()
    with pytest.raises(KeyError, match='img0.jpg.*with_mask=True'):
        head.loss(make_feats(), make_samples(with_masks=False))
    samples = make_samples()
    samples[1].gt_instances.masks = BitmapMasks(
        np.zeros((1, 32, 32), np.uint8), 32, 32)
    with pytest.raises(ValueError, match='img1.jpg.*pad_mask=True'):
        head.loss(make_feats(), samples)


def test_predicted_masks_are_thresholded_cropped_and_rescaled():
    head = build_head(mask_thr=0.35)
    samples = make_samples(num=1, img_shape=(64, 48), scale=2.0)
    # p = 0.4 (kept) on the top-left 32x24 quarter, p = 0.3 elsewhere
    logits = torch.full((1, INPUT, INPUT), float(np.log(0.3 / 0.7)))
    logits[:, :32, :24] = float(np.log(0.4 / 0.6))
    rescaled = head.predict_masks(logits, samples, rescale=True)[0]
    assert rescaled.dtype == torch.bool and rescaled.shape == (1, 32, 24)
    assert rescaled[0, :15, :11].all() and not rescaled[0, 17:].any()
    assert not rescaled[0, :, 13:].any()
    cropped = head.predict_masks(logits, samples, rescale=False)[0]
    assert cropped.shape == (1, 64, 48)
    assert cropped[0, :32, :24].all() and cropped.sum() == 32 * 24


def test_predict_multitask_gives_box_and_mask_in_original_pixels():
    head = build_head().eval()
    samples = make_samples()
    with torch.no_grad():
        results = head.predict(make_feats(), samples)
    for result, sample in zip(results, samples):
        height, width = sample.ori_shape
        assert result.bboxes.shape == (1, 4) and result.scores.tolist() == [1]
        assert (result.bboxes[:, 0::2] <= width).all()
        assert (result.bboxes[:, 1::2] <= height).all()
        assert result.masks.shape == (1, height, width)
        assert result.masks.dtype == torch.bool


def test_res_only_box_is_the_mask_bounding_box():
    head = build_head(with_rec=False)
    samples = make_samples()
    logits = torch.full((2, INPUT, INPUT), -10.)
    logits[0, 10:20, 4:16] = 10.  # input pixels; original = half
    head.forward = lambda feats: dict(mask_logits=logits)
    full, empty = head.predict(None, samples)
    assert full.bboxes.tolist() == [[2., 5., 8., 10.]]
    assert full.scores.tolist() == [1.] and full.masks.sum() == 6 * 5
    assert empty.bboxes.tolist() == [[0., 0., 0., 0.]]
    assert empty.scores.tolist() == [0.] and not empty.masks.any()
