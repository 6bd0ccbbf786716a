"""CLIPTeacher: CLIP's embeddings of the student's batch, frozen, outside
checkpoints and optimizers."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from torch import nn
from transformers import CLIPTokenizer

from mmvg.models.distillers import CLIPTeacher

STUDENT_MEAN = [123.675, 116.28, 103.53]
STUDENT_STD = [58.395, 57.12, 57.375]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
TEXTS = ['the red circle', 'the big square left of the blue one']


def tiny_config(dropout=0.0):
    tower = dict(
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        attention_dropout=dropout)
    return dict(
        text_config=dict(tower, max_position_embeddings=32),
        vision_config=dict(tower, image_size=32, patch_size=8),
        projection_dim=8)


def tiny_teacher(tokenizer_dir, **kwargs):
    torch.manual_seed(0)
    kwargs = dict(
        dict(
            student_mean=STUDENT_MEAN,
            student_std=STUDENT_STD,
            config=tiny_config()), **kwargs)
    return CLIPTeacher(tokenizer=tokenizer_dir, **kwargs)


def student_batch(pixels):
    """The student's normalised inputs of 0..255 RGB ``pixels``."""
    mean = torch.tensor(STUDENT_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STUDENT_STD).view(1, 3, 1, 1)
    return (pixels - mean) / std


def clip_batch(pixels):
    """CLIP's normalisation of the same pixels, written out directly."""
    mean = torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD).view(1, 3, 1, 1)
    return (pixels / 255 - mean) / std


def test_pooled_outputs_equal_clip_features(clip_tokenizer_dir):
    teacher = tiny_teacher(clip_tokenizer_dir)
    pixels = torch.rand(2, 3, 32, 48) * 255
    out = teacher(student_batch(pixels), TEXTS)
    clip = teacher.clip
    with torch.no_grad():
        image = clip.get_image_features(
            pixel_values=clip_batch(pixels),
            interpolate_pos_encoding=True).pooler_output
        tokens = CLIPTokenizer.from_pretrained(clip_tokenizer_dir)(
            TEXTS, padding=True, return_tensors='pt')
        text = clip.get_text_features(**tokens).pooler_output
    assert (out.image - image).abs().max() <= 1e-5
    assert (out.text - text).abs().max() <= 1e-5
    assert out.grid == (4, 6)
    assert out.patches.shape == (2, 24, 8)
    assert out.tokens.shape == (2, tokens['input_ids'].shape[1], 8)
    assert torch.equal(out.token_mask, tokens['attention_mask'] == 0)
    # the text embedding is the projected end-of-text token
    end = (~out.token_mask).sum(1) - 1
    torch.testing.assert_close(out.tokens[torch.arange(2), end], out.text)


def test_patches_are_projected_patch_tokens_in_grid_order(clip_tokenizer_dir):
    """A patch's embedding is CLIP's [CLS] treatment of its token, and the
    grid is row-major over the image."""
    teacher = tiny_teacher(clip_tokenizer_dir)
    clip = teacher.clip
    pixels = torch.rand(1, 3, 32, 48) * 255
    patches, grid, _ = teacher.encode_image(student_batch(pixels))
    with torch.no_grad():
        hidden = clip.vision_model(
            pixel_values=clip_batch(pixels),
            interpolate_pos_encoding=True).last_hidden_state
        expected = clip.visual_projection(
            clip.vision_model.post_layernorm(hidden[:, 1:]))
    torch.testing.assert_close(patches, expected)
    # Without position embeddings the encoder is permutation-equivariant
    # over patches: reversing the order of the 8-pixel column blocks
    # reverses the grid's columns.
    with torch.no_grad():
        clip.vision_model.embeddings.position_embedding.weight.zero_()
    plain, _, _ = teacher.encode_image(student_batch(pixels))
    blocks = pixels.view(1, 3, 32, 6, 8).flip(3).reshape(1, 3, 32, 48)
    reversed_, _, _ = teacher.encode_image(student_batch(blocks))
    unflipped = reversed_.view(1, *grid, 8).flip(2).reshape(1, -1, 8)
    torch.testing.assert_close(unflipped, plain, atol=1e-5, rtol=1e-5)


def test_bgr_inputs_and_sizes_off_the_patch_grid(clip_tokenizer_dir):
    teacher = tiny_teacher(
        clip_tokenizer_dir,
        bgr_to_rgb=True,
        student_mean=STUDENT_MEAN[::-1],
        student_std=STUDENT_STD[::-1])
    pixels = torch.rand(1, 3, 32, 48) * 255
    mean = torch.tensor(STUDENT_MEAN[::-1]).view(1, 3, 1, 1)
    std = torch.tensor(STUDENT_STD[::-1]).view(1, 3, 1, 1)
    bgr_inputs = (pixels.flip(1) - mean) / std
    torch.testing.assert_close(
        teacher.clip_pixels(bgr_inputs), clip_batch(pixels))
    # 30 x 52 rounds to 32 x 56: 4 x 7 patches of 8
    _, grid, _ = teacher.encode_image(torch.zeros(1, 3, 30, 52))
    assert grid == (4, 7)


def test_frozen_and_in_eval_mode_after_train(clip_tokenizer_dir):
    """With dropout in CLIP, train mode would make two runs differ."""
    teacher = tiny_teacher(clip_tokenizer_dir, config=tiny_config(0.5))
    model = nn.ModuleDict(dict(student=nn.Linear(8, 8), teacher=teacher))
    model.train()
    assert not teacher.training and not teacher.clip.training
    assert not any(p.requires_grad for p in teacher.clip.parameters())
    inputs = torch.randn(2, 3, 32, 32, requires_grad=True)
    first, second = teacher(inputs, TEXTS), teacher(inputs, TEXTS)
    torch.testing.assert_close(first.patches, second.patches)
    torch.testing.assert_close(first.text, second.text)
    for value in (first.patches, first.image, first.tokens, first.text):
        assert value.grad_fn is None and not value.requires_grad
    # a loss through the teacher's output sends no gradient to it
    loss = (model['student'](first.image) * inputs.mean()).sum()
    loss.backward()
    assert all(p.grad is None for p in teacher.clip.parameters())


def test_absent_from_state_dict_and_optimizer(clip_tokenizer_dir):
    teacher = tiny_teacher(clip_tokenizer_dir)
    model = nn.ModuleDict(dict(student=nn.Linear(8, 4), teacher=teacher))
    state = model.state_dict()
    assert sorted(state) == ['student.bias', 'student.weight']
    assert list(model.parameters()) == list(model['student'].parameters())
    fresh = nn.ModuleDict(
        dict(
            student=nn.Linear(8, 4), teacher=tiny_teacher(clip_tokenizer_dir)))
    fresh.load_state_dict(state, strict=True)  # nothing asked of CLIP
    for paramwise_cfg in ({}, dict(norm_decay_mult=0.)):
        optim_wrapper = build_optim_wrapper(
            model,
            dict(
                optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.01),
                paramwise_cfg=paramwise_cfg))
        grouped = [
            p for group in optim_wrapper.optimizer.param_groups
            for p in group['params']
        ]
        student = list(model['student'].parameters())
        assert len(grouped) == 2
        assert all(any(p is q for q in student) for p in grouped)


def test_follows_dtype_and_device_moves(clip_tokenizer_dir):
    teacher = tiny_teacher(clip_tokenizer_dir)
    nn.ModuleDict(dict(teacher=teacher)).to(torch.float64)
    assert teacher.clip.text_projection.weight.dtype == torch.float64
    assert teacher.scale.dtype == torch.float64
    out = teacher(torch.zeros(1, 3, 32, 32, dtype=torch.float64), TEXTS[:1])
    assert out.patches.dtype == torch.float64


def test_loads_a_saved_clip_folder(clip_tokenizer_dir, tmp_path):
    built = tiny_teacher(clip_tokenizer_dir)
    folder = tmp_path / 'clip'
    built.clip.save_pretrained(folder)
    built.tokenizer.save_pretrained(folder)
    loaded = CLIPTeacher(
        student_mean=STUDENT_MEAN,
        student_std=STUDENT_STD,
        name_or_path=str(folder))
    inputs = torch.randn(1, 3, 32, 32)
    expected, actual = built(inputs, TEXTS), loaded(inputs, TEXTS)
    torch.testing.assert_close(actual.patches, expected.patches)
    torch.testing.assert_close(actual.text, expected.text)
    assert loaded.max_length == 32


def test_bad_arguments_are_named(clip_tokenizer_dir):
    with pytest.raises(ValueError, match='exactly one of'):
        CLIPTeacher(STUDENT_MEAN, STUDENT_STD)
    with pytest.raises(ValueError, match='needs `tokenizer`'):
        CLIPTeacher(STUDENT_MEAN, STUDENT_STD, config=tiny_config())
    with pytest.raises(ValueError, match=r'student_std needs 3 values'):
        CLIPTeacher(
            STUDENT_MEAN, [58.0],
            config=tiny_config(),
            tokenizer=clip_tokenizer_dir)
