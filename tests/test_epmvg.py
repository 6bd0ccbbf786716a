"""EpmVG as a wrapper: any grounder with a pre-fusion ``encode`` takes a
``CrossModalDistiller`` that trains its encoders from a frozen CLIP
teacher, in loss mode only; ``distiller=None`` is the grounder alone."""
from unittest import mock

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from test_clip_teacher import STUDENT_MEAN, STUDENT_STD, tiny_config
from test_models_transvg import make_batch, tiny_transvg_cfg
from test_vglaw_grounder import masked_batch, tiny_vglaw_cfg
from transformers.image_utils import OPENAI_CLIP_STD

from mmvg.models.distillers import student_input_of
from mmvg.models.grounders import BaseGrounder
from mmvg.models.utils import masked_mean
from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures

DISTILL_LOSSES = {
    'loss_distill_visual', 'loss_distill_text', 'loss_distill_consistency'
}

#: per student: its config, a batch its head trains on, its head's losses
STUDENTS = {
    'TransVG':
    (tiny_transvg_cfg, make_batch, {'loss_bbox', 'loss_iou', 'loss_cls'}),
    'VGLAW': (tiny_vglaw_cfg, masked_batch,
              {'loss_bbox', 'loss_iou', 'loss_mask', 'loss_dice'}),
}


def distiller_cfg(clip_tokenizer_dir, **kwargs):
    """A CrossModalDistiller over a tiny random CLIP, for students whose
    visual tokens are 32 wide."""
    teacher = dict(
        type='CLIPTeacher', config=tiny_config(), tokenizer=clip_tokenizer_dir)
    return dict(
        dict(type='CrossModalDistiller', teacher=teacher, visual_dims=32),
        **kwargs)


def build_student(student, vocab_file, distiller=None):
    torch.manual_seed(0)
    cfg = STUDENTS[student][0](vocab_file)
    return MODELS.build(dict(cfg, distiller=distiller))


def visual_encoder_weight(model):
    """A weight of the student's visual encoder (both get gradients)."""
    if type(model).__name__ == 'TransVG':
        return model.backbone.conv1.weight
    return model.backbone.patch_embed.proj.weight


@pytest.mark.parametrize('student', STUDENTS)
def test_loss_adds_distillation_that_trains_both_encoders(
        student, vocab_file, clip_tokenizer_dir):
    model = build_student(student, vocab_file,
                          distiller_cfg(clip_tokenizer_dir))
    inputs, samples = STUDENTS[student][1]()
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == STUDENTS[student][2] | DISTILL_LOSSES
    total = sum(losses[name] for name in DISTILL_LOSSES)
    assert torch.isfinite(total) and total > 0
    total.backward()
    assert visual_encoder_weight(model).grad.abs().sum() > 0
    text_grads = [
        p.grad for p in model.text_encoder.parameters() if p.grad is not None
    ]
    assert text_grads and sum(g.abs().sum() for g in text_grads) > 0
    assert model.distiller.visual_proj.weight.grad.abs().sum() > 0
    assert model.distiller.text_proj.weight.grad.abs().sum() > 0
    # the distillation losses read the encoders, not the head
    assert all(p.grad is None for p in model.bbox_head.parameters())
    teacher = model.distiller.teacher
    assert all(not p.requires_grad and p.grad is None
               for p in teacher.clip.parameters())


@pytest.mark.parametrize('student', STUDENTS)
def test_predict_and_tensor_modes_never_run_the_teacher(
        student, vocab_file, clip_tokenizer_dir):
    model = build_student(student, vocab_file,
                          distiller_cfg(clip_tokenizer_dir))
    make = STUDENTS[student][1]
    inputs, samples = make()
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
            model(inputs, make()[1], mode='loss')


@pytest.mark.parametrize('student', STUDENTS)
def test_distiller_only_adds_its_losses_and_projections(
        student, vocab_file, clip_tokenizer_dir):
    """``distiller=None`` is the plain grounder: the distiller is built
    last, so the student's weights and its head's losses are the same."""
    plain = build_student(student, vocab_file)
    assert plain.distiller is None
    distilled = build_student(student, vocab_file,
                              distiller_cfg(clip_tokenizer_dir))
    student_keys = {
        k: v
        for k, v in distilled.state_dict().items()
        if not k.startswith('distiller.')
    }
    assert list(student_keys) == list(plain.state_dict())
    for key, value in plain.state_dict().items():
        assert torch.equal(student_keys[key], value), key
    make = STUDENTS[student][1]
    inputs, samples = make()
    samples_again = make()[1]
    torch.manual_seed(1)  # the same dropout
    expected = plain(inputs, samples, mode='loss')
    torch.manual_seed(1)
    losses = distilled(inputs, samples_again, mode='loss')
    assert set(losses) == set(expected) | DISTILL_LOSSES
    for name, value in expected.items():
        torch.testing.assert_close(losses[name], value)


@pytest.mark.parametrize('student', STUDENTS)
def test_teacher_is_in_no_checkpoint_and_no_optimizer_group(
        student, vocab_file, clip_tokenizer_dir):
    model = build_student(student, vocab_file,
                          distiller_cfg(clip_tokenizer_dir))
    distiller_keys = sorted(k for k in model.state_dict()
                            if k.startswith('distiller.'))
    assert distiller_keys == [
        'distiller.text_proj.bias', 'distiller.text_proj.weight',
        'distiller.visual_proj.bias', 'distiller.visual_proj.weight'
    ]
    fresh = build_student(student, vocab_file,
                          distiller_cfg(clip_tokenizer_dir))
    fresh.load_state_dict(model.state_dict(), strict=True)
    optim_wrapper = build_optim_wrapper(
        model,
        dict(
            optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-4),
            paramwise_cfg=dict(custom_keys={
                'backbone': dict(lr_mult=0.1),
                'text_encoder': dict(lr_mult=0.1)
            })))
    optimized = {
        id(p)
        for group in optim_wrapper.optimizer.param_groups
        for p in group['params']
    }
    clip = model.distiller.teacher.clip
    assert not optimized & {id(p) for p in clip.parameters()}
    assert {id(p) for p in model.distiller.parameters()} <= optimized


def test_teacher_reads_the_students_normalisation(vocab_file,
                                                  clip_tokenizer_dir):
    model = build_student('TransVG', vocab_file,
                          distiller_cfg(clip_tokenizer_dir))
    teacher = model.distiller.teacher
    assert teacher.bgr_to_rgb  # no conversion: mmcv's BGR images
    # no normalisation: inputs are 0..255 pixels
    torch.testing.assert_close(teacher.scale.flatten(),
                               1 / (255 * torch.tensor(OPENAI_CLIP_STD)))
    assert model.distiller.text_proj.in_features == 16
    cfg = dict(
        tiny_transvg_cfg(vocab_file),
        data_preprocessor=dict(
            type='DetDataPreprocessor',
            mean=STUDENT_MEAN,
            std=STUDENT_STD,
            bgr_to_rgb=True),
        distiller=distiller_cfg(clip_tokenizer_dir))
    model = MODELS.build(cfg)
    assert student_input_of(model.data_preprocessor) == dict(
        student_mean=pytest.approx(STUDENT_MEAN),
        student_std=pytest.approx(STUDENT_STD),
        bgr_to_rgb=False)
    teacher = model.distiller.teacher
    assert not teacher.bgr_to_rgb
    torch.testing.assert_close(
        teacher.scale.flatten(),
        torch.tensor(STUDENT_STD) / (255 * torch.tensor(OPENAI_CLIP_STD)))


def test_the_config_overrides_what_the_grounder_fills_in(
        vocab_file, clip_tokenizer_dir):
    distiller = distiller_cfg(clip_tokenizer_dir, text_dims=16)
    distiller['teacher'] = dict(
        distiller['teacher'],
        student_mean=STUDENT_MEAN,
        student_std=[2.] * 3,
        bgr_to_rgb=False)
    model = build_student('VGLAW', vocab_file, distiller)
    teacher = model.distiller.teacher
    assert not teacher.bgr_to_rgb
    torch.testing.assert_close(teacher.scale.flatten(),
                               2 / (255 * torch.tensor(OPENAI_CLIP_STD)))


def test_a_grounder_without_encode_refuses_a_distiller(vocab_file,
                                                       clip_tokenizer_dir):

    class OnePass(BaseGrounder):
        """Reads both modalities in one pass: no pre-fusion step."""

        def extract_feat(self, inputs, data_samples):
            raise AssertionError('not run')

    cfg = tiny_transvg_cfg(vocab_file)
    with pytest.raises(ValueError, match='OnePass has no pre-fusion'):
        OnePass(
            backbone=cfg['backbone'],
            bbox_head=cfg['bbox_head'],
            text_encoder=cfg['text_encoder'],
            distiller=distiller_cfg(clip_tokenizer_dir))


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
