"""The TransVG-style baseline: loss, predict (rescaled boxes), tensor mode."""
import pytest
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.structures import InstanceData

from mmvg.registry import MODELS


def tiny_transvg(vocab_file, head='PatchCenterHead'):
    return MODELS.build(tiny_transvg_cfg(vocab_file, head))


def tiny_transvg_cfg(vocab_file, head='PatchCenterHead'):
    """A tiny TransVG config (visual and text width 32 and 16)."""
    dims = 32
    return dict(
        type='TransVG',
        data_preprocessor=dict(
            type='DetDataPreprocessor', pad_size_divisor=32),
        backbone=dict(
            type='ResNet',
            depth=18,
            base_channels=8,
            num_stages=3,
            strides=(1, 2, 2),
            dilations=(1, 1, 1),
            out_indices=(2, )),
        neck=dict(
            type='ChannelMapper',
            in_channels=[32],
            out_channels=dims,
            kernel_size=1,
            act_cfg=None,
            norm_cfg=dict(type='GN', num_groups=8)),
        text_encoder=dict(
            type='HFTextEncoder',
            vocab_file=vocab_file,
            max_length=12,
            config=dict(
                hidden_size=16,
                num_hidden_layers=1,
                num_attention_heads=2,
                intermediate_size=32)),
        fusion=dict(
            type='VLFusionTransformer',
            embed_dims=dims,
            num_layers=1,
            num_heads=4,
            ffn_dims=64,
            max_text_len=12),
        bbox_head=dict(type=head, in_channels=dims))


def make_batch(num=3, img_shape=(64, 48), scale=2.0):
    """Samples resized by ``scale`` from images of half the input size."""
    samples = []
    for i in range(num):
        sample = DetDataSample(
            metainfo=dict(
                img_shape=img_shape,
                batch_input_shape=(64, 64),
                ori_shape=(img_shape[0] / scale, img_shape[1] / scale),
                scale_factor=(scale, scale),
                ref_id=i,
                sent_id=i))
        sample.text = [
            'the red circle', 'the left blue square',
            'the big triangle right of the green circle'
        ][i % 3]
        sample.gt_instances = InstanceData(
            bboxes=HorizontalBoxes(torch.tensor([[4. + i, 8., 20., 30.]])),
            labels=torch.zeros(1, dtype=torch.long))
        samples.append(sample)
    return torch.rand(num, 3, 64, 64), samples


@pytest.mark.parametrize('head', ['PatchCenterHead', 'RegTokenHead'])
def test_loss_is_finite_and_backpropagates(vocab_file, head):
    model = tiny_transvg(vocab_file, head)
    inputs, samples = make_batch()
    losses = model(inputs, samples, mode='loss')
    expected = {'loss_bbox', 'loss_iou'
                } | ({'loss_cls'} if head == 'PatchCenterHead' else set())
    assert set(losses) == expected
    total = sum(losses.values())
    assert torch.isfinite(total)
    total.backward()
    assert model.fusion.transformer.reg_token.weight.grad is not None
    assert model.backbone.conv1.weight.grad.abs().sum() > 0


def test_predict_rescales_to_original_pixels(vocab_file):
    model = tiny_transvg(vocab_file).eval()
    inputs, samples = make_batch(scale=2.0)
    with torch.no_grad():
        results = model(inputs, samples, mode='predict')
    for result in results:
        pred = result.pred_instances
        assert pred.bboxes.shape == (1, 4) and pred.scores.shape == (1, )
        height, width = result.ori_shape
        assert (pred.bboxes[:, 0::2] <= width).all()
        assert (pred.bboxes[:, 1::2] <= height).all()
        assert (pred.bboxes >= 0).all()
    with torch.no_grad():
        unscaled = model.predict(inputs, make_batch()[1], rescale=False)
    height, width = results[0].ori_shape
    expected = (unscaled[0].pred_instances.bboxes / 2.0).clamp(min=0)
    expected = torch.minimum(expected,
                             torch.tensor([width, height, width, height]))
    torch.testing.assert_close(results[0].pred_instances.bboxes, expected)


def test_patch_head_learns_a_fixed_target(vocab_file):
    """A few steps on one batch must drive the loss well down."""
    torch.manual_seed(0)
    model = tiny_transvg(vocab_file)
    inputs, samples = make_batch()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    first = None
    for _ in range(30):
        loss = sum(model(inputs, samples, mode='loss').values())
        first = loss.item() if first is None else first
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.5 * first


def test_tensor_mode_and_missing_text(vocab_file):
    model = tiny_transvg(vocab_file)
    inputs, samples = make_batch()
    logits, boxes = model(inputs, samples, mode='tensor')
    assert logits.shape == (3, 16) and boxes.shape == (3, 16, 4)
    del samples[1].text
    with pytest.raises(KeyError, match='no `text`'):
        model(inputs, samples, mode='loss')
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(inputs, samples, mode='nope')


def test_rec_head_refuses_sample_without_target(vocab_file):
    model = tiny_transvg(vocab_file)
    inputs, samples = make_batch()
    samples[0].gt_instances = InstanceData(
        bboxes=HorizontalBoxes(torch.zeros(0, 4)),
        labels=torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match='ref_id=0'):
        model(inputs, samples, mode='loss')
