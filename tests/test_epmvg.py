"""EpmVG: TransVG plus cross-modal distillation in training only."""
from unittest import mock

import pytest
import torch
from test_clip_teacher import STUDENT_MEAN, STUDENT_STD, tiny_config
from test_models_transvg import make_batch, tiny_transvg_cfg
from transformers.image_utils import OPENAI_CLIP_STD

from mmvg.models.utils import masked_mean
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures


def tiny_epmvg(vocab_file, clip_tokenizer_dir, **distiller):
    torch.manual_seed(0)
    teacher = dict(
        type='CLIPTeacher', config=tiny_config(), tokenizer=clip_tokenizer_dir)
    return MODELS.build(
        dict(
            tiny_transvg_cfg(vocab_file),
            type='EpmVG',
            distiller=dict(
                dict(
                    type='CrossModalDistiller',
                    teacher=teacher,
                    visual_dims=32), **distiller)))


def test_loss_adds_distillation_that_trains_both_encoders(
        vocab_file, clip_tokenizer_dir):
    model = tiny_epmvg(vocab_file, clip_tokenizer_dir)
    inputs, samples = make_batch()
    losses = model(inputs, samples, mode='loss')
    distill = {
        'loss_distill_visual', 'loss_distill_text', 'loss_distill_consistency'
    }
    assert set(losses) == {'loss_bbox', 'loss_iou', 'loss_cls'} | distill
    total = sum(losses[name] for name in distill)
    assert torch.isfinite(total) and total > 0
    total.backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    text_grads = [
        p.grad for p in model.text_encoder.parameters() if p.grad is not None
    ]
    assert text_grads and sum(g.abs().sum() for g in text_grads) > 0
    assert model.distiller.visual_proj.weight.grad.abs().sum() > 0
    assert model.fusion.transformer.reg_token.weight.grad is None
    teacher = model.distiller.teacher
    assert all(p.grad is None for p in teacher.clip.parameters())


def test_predict_and_tensor_modes_never_run_the_teacher(
        vocab_file, clip_tokenizer_dir):
    model = tiny_epmvg(vocab_file, clip_tokenizer_dir)
    inputs, samples = make_batch()
    teacher = model.distiller.teacher
    with mock.patch.object(
            teacher, 'forward',
            side_effect=AssertionError('teacher called')) as forward:
        with torch.no_grad():
            model.eval()
            results = model(inputs, samples, mode='predict')
            model(inputs, samples, mode='tensor')
        assert all('pred_instances' in r for r in results)
        forward.assert_not_called()
        model.train()
        with pytest.raises(AssertionError, match='teacher called'):
            model(inputs, make_batch()[1], mode='loss')


def test_distiller_none_is_transvg(vocab_file):
    torch.manual_seed(0)
    transvg = MODELS.build(tiny_transvg_cfg(vocab_file))
    torch.manual_seed(0)
    epmvg = MODELS.build(
        dict(tiny_transvg_cfg(vocab_file), type='EpmVG', distiller=None))
    assert epmvg.distiller is None
    for (key, value), (other, expected) in zip(epmvg.state_dict().items(),
                                               transvg.state_dict().items()):
        assert key == other and torch.equal(value, expected)
    inputs, samples = make_batch()
    samples_again = make_batch()[1]
    torch.manual_seed(1)  # the same dropout
    expected = transvg(inputs, samples, mode='loss')
    torch.manual_seed(1)
    losses = epmvg(inputs, samples_again, mode='loss')
    assert set(losses) == set(expected)
    for name, value in expected.items():
        torch.testing.assert_close(losses[name], value)


def test_checkpoints_hold_the_projections_not_the_teacher(
        vocab_file, clip_tokenizer_dir):
    model = tiny_epmvg(vocab_file, clip_tokenizer_dir)
    keys = list(model.state_dict())
    distiller_keys = sorted(k for k in keys if k.startswith('distiller.'))
    assert distiller_keys == [
        'distiller.text_proj.bias', 'distiller.text_proj.weight',
        'distiller.visual_proj.bias', 'distiller.visual_proj.weight'
    ]
    fresh = tiny_epmvg(vocab_file, clip_tokenizer_dir)
    fresh.load_state_dict(model.state_dict(), strict=True)


def test_teacher_takes_the_preprocessor_normalisation(vocab_file,
                                                      clip_tokenizer_dir):
    model = tiny_epmvg(vocab_file, clip_tokenizer_dir)
    teacher = model.distiller.teacher
    assert teacher.bgr_to_rgb  # no conversion: mmcv's BGR images
    # no normalisation: inputs are 0..255 pixels
    torch.testing.assert_close(teacher.scale.flatten(),
                               1 / (255 * torch.tensor(OPENAI_CLIP_STD)))
    cfg = tiny_transvg_cfg(vocab_file)
    cfg['data_preprocessor'] = dict(
        type='DetDataPreprocessor',
        mean=STUDENT_MEAN,
        std=STUDENT_STD,
        bgr_to_rgb=True)
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            cfg,
            type='EpmVG',
            distiller=dict(
                type='CrossModalDistiller',
                teacher=dict(
                    type='CLIPTeacher',
                    config=tiny_config(),
                    tokenizer=clip_tokenizer_dir),
                visual_dims=32)))
    teacher = model.distiller.teacher
    assert not teacher.bgr_to_rgb
    torch.testing.assert_close(
        teacher.scale.flatten(),
        torch.tensor(STUDENT_STD) / (255 * torch.tensor(OPENAI_CLIP_STD)))
    assert model.distiller.text_proj.in_features == 16


def test_distiller_options(vocab_file, clip_tokenizer_dir):
    teacher = dict(
        type='CLIPTeacher',
        config=tiny_config(),
        tokenizer=clip_tokenizer_dir,
        student_mean=[0.] * 3,
        student_std=[1.] * 3)
    with pytest.raises(ValueError, match='text_pooling must be one of'):
        MODELS.build(
            dict(
                type='CrossModalDistiller',
                teacher=teacher,
                visual_dims=4,
                text_dims=4,
                text_pooling='max'))
    with pytest.raises(ValueError, match='at least one loss'):
        MODELS.build(
            dict(
                type='CrossModalDistiller',
                teacher=teacher,
                visual_dims=4,
                text_dims=4,
                visual_loss=None,
                language_loss=None,
                consistency_loss=None))
    distiller = MODELS.build(
        dict(
            type='CrossModalDistiller',
            teacher=teacher,
            visual_dims=4,
            text_dims=4,
            consistency_loss=None,
            text_pooling='mean'))
    text = torch.randn(2, 3, 4)
    text_mask = torch.tensor([[False, False, True], [False, True, True]])
    feats = GroundingFeatures(
        visual=torch.randn(2, 4, 4),
        visual_hw=(2, 2),
        visual_mask=torch.zeros(2, 4, dtype=torch.bool),
        input_hw=(32, 32),
        text=text,
        text_mask=text_mask)
    torch.testing.assert_close(
        distiller.sentence_of(feats), masked_mean(text, text_mask))
    inputs = torch.rand(2, 3, 32, 32) * 255
    texts = ['the red circle', 'the blue square']
    losses = distiller(inputs, texts, feats)
    assert set(losses) == {'loss_distill_visual', 'loss_distill_text'}
    # the language loss is 1 - cos of the projected mean and CLIP's text
    clip_text = distiller.teacher(inputs, texts).text
    projected = distiller.text_proj(masked_mean(text, text_mask))
    expected = 1 - torch.cosine_similarity(projected, clip_text).mean()
    torch.testing.assert_close(losses['loss_distill_text'], expected)
    distiller.text_pooling = 'cls'
    with pytest.raises(ValueError, match='GroundingFeatures.sentence'):
        distiller(inputs, texts, feats)
