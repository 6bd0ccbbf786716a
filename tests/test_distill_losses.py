"""EpmVG's distillation losses against hand-computed cases."""
import math

import numpy as np
import pytest
import torch

from mmvg.models.utils import resample_tokens
from mmvg.registry import MODELS


def tensor(values):
    return torch.tensor(values, dtype=torch.float32)


def test_feature_distill_loss_is_masked_cosine_distance():
    loss = MODELS.build(dict(type='FeatureDistillLoss', loss_weight=2.0))
    student = tensor([[[1, 0], [0, 1], [1, 1]]])
    teacher = tensor([[[3, 0], [1, 0], [-1, -1]]])
    # 1 - cos: 0 (same direction), 1 (orthogonal), 2 (opposite, padding)
    assert loss(student, teacher).item() == pytest.approx(2.0 * 3 / 3)
    padding = torch.tensor([[False, False, True]])
    assert loss(student, teacher,
                padding).item() == pytest.approx(2.0 * (0 + 1) / 2)
    # sentence vectors (B, D): EpmVG's language loss
    sentence = loss(tensor([[1, 1], [2, 0]]), tensor([[1, 0], [1, 0]]))
    assert sentence.item() == pytest.approx(2.0 * (1 - 1 / math.sqrt(2)) / 2)


def test_feature_distill_loss_names_a_shape_clash_and_detaches():
    loss = MODELS.build(dict(type='FeatureDistillLoss'))
    with pytest.raises(ValueError, match='project the student first'):
        loss(torch.zeros(2, 4), torch.zeros(2, 8))
    student = torch.randn(2, 4, requires_grad=True)
    teacher = torch.randn(2, 4, requires_grad=True)
    loss(student, teacher).backward()
    assert student.grad is not None and teacher.grad is None


def test_resample_tokens_is_bilinear_over_the_same_area():
    # 1 x 2 -> 1 x 4, align_corners=False: source x = (x' + 0.5) / 2 - 0.5
    # = -0.25, 0.25, 0.75, 1.25 -> clamped: a, .75a + .25b, .25a + .75b, b
    tokens = tensor([[[1, 0], [0, 1]]])
    out = resample_tokens(tokens, (1, 2), (1, 4))
    expected = tensor([[[1, 0], [.75, .25], [.25, .75], [0, 1]]])
    torch.testing.assert_close(out, expected)
    assert resample_tokens(tokens, (1, 2), (1, 2)) is tokens
    with pytest.raises(ValueError, match='do not fill a 3x1 grid'):
        resample_tokens(tokens, (3, 1), (1, 4))


def test_patch_distill_loss_resamples_the_teacher_and_masks_padding():
    loss = MODELS.build(dict(type='PatchDistillLoss', loss_weight=0.5))
    teacher = tensor([[[1, 0], [0, 1]]])  # grid 1 x 2: a, b
    student = tensor([[[1, 0], [1, 0], [0, 1], [1, 1]]])  # grid 1 x 4
    padding = torch.tensor([[False, False, False, True]])
    # teacher on the student's grid: a, (.75, .25), (.25, .75), b
    near = 1 - 0.75 / math.sqrt(0.75**2 + 0.25**2)
    expected = 0.5 * (0 + near + near) / 3
    value = loss(student, (1, 4), padding, teacher, (1, 2))
    assert value.item() == pytest.approx(expected, abs=1e-6)


def kl_of_maps(student_sim, teacher_sim, temperature):
    """KL(p_t || p_s) of softmax(sim / T) maps, in numpy."""
    p_s = np.exp(np.asarray(student_sim) / temperature)
    p_s /= p_s.sum()
    p_t = np.exp(np.asarray(teacher_sim) / temperature)
    p_t /= p_t.sum()
    return float((p_t * np.log(p_t / p_s)).sum())


def test_cross_modal_consistency_loss_by_hand():
    loss = MODELS.build(
        dict(
            type='CrossModalConsistencyLoss', temperature=0.5,
            loss_weight=3.0))
    student = tensor([[[1, 0], [0, 1], [1, 1]], [[1, 0], [0, 1], [1, 1]]])
    sentence = tensor([[1, 1], [0, 2]])
    teacher = tensor([[[0, 1], [1, 0], [5, -5]], [[0, 1], [1, 0], [5, 5]]])
    text = tensor([[0, 2], [0, 2]])
    padding = torch.tensor([[False, False, True], [False, False, False]])
    # cosine maps: student [.707, .707, 1], [0, 1, .707];
    #              teacher [1, 0, -.707], [1, 0, .707]
    r = 1 / math.sqrt(2)
    first = kl_of_maps([r, r], [1, 0], 0.5)  # the padding cell dropped
    second = kl_of_maps([0, 1, r], [1, 0, r], 0.5)
    # second by the formula itself: p = e^(2 s) / Z
    z_s = 1 + math.exp(2) + math.exp(2 * r)
    z_t = math.exp(2) + 1 + math.exp(2 * r)
    p_t = [math.exp(2) / z_t, 1 / z_t, math.exp(2 * r) / z_t]
    p_s = [1 / z_s, math.exp(2) / z_s, math.exp(2 * r) / z_s]
    assert second == pytest.approx(
        sum(t * math.log(t / s) for t, s in zip(p_t, p_s)))
    value = loss(student, sentence, (1, 3), padding, teacher, text, (1, 3))
    assert value.item() == pytest.approx(3.0 * (first + second) / 2, 1e-5)


def test_cross_modal_consistency_resamples_the_teacher_map():
    """The teacher's map is resampled, not its patches: on a 1 x 2 grid
    with cosines [1, -1], the 1 x 4 map is [1, .5, -.5, -1]."""
    loss = MODELS.build(
        dict(type='CrossModalConsistencyLoss', temperature=1.0))
    teacher = tensor([[[2, 0], [-1, 0]]])
    text = tensor([[1, 0]])
    student = tensor([[[1, 0], [0, 1], [-1, 0], [1, 1]]])
    sentence = tensor([[1, 0]])
    padding = torch.zeros(1, 4, dtype=torch.bool)
    r = 1 / math.sqrt(2)
    expected = kl_of_maps([1, 0, -1, r], [1, .5, -.5, -1], 1.0)
    value = loss(student, sentence, (1, 4), padding, teacher, text, (1, 2))
    assert value.item() == pytest.approx(expected, 1e-5)


def test_cross_modal_consistency_gradients_reach_only_the_student():
    loss = MODELS.build(dict(type='CrossModalConsistencyLoss'))
    student = torch.randn(2, 6, 4, requires_grad=True)
    sentence = torch.randn(2, 4, requires_grad=True)
    teacher = torch.randn(2, 6, 8, requires_grad=True)
    text = torch.randn(2, 8, requires_grad=True)
    padding = torch.tensor([[False] * 4 + [True] * 2, [False] * 6])
    value = loss(student, sentence, (2, 3), padding, teacher, text, (2, 3))
    value.backward()
    assert torch.isfinite(value) and value > 0
    assert torch.isfinite(student.grad).all()
    assert (student.grad[0, 4:] == 0).all()  # padding cells get nothing
    assert teacher.grad is None and text.grad is None
    with pytest.raises(ValueError, match='temperature must be > 0'):
        MODELS.build(dict(type='CrossModalConsistencyLoss', temperature=0))
