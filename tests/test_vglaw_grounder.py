"""The VG-LAW grounder: loss and predict on a tiny batch, width checks."""
import numpy as np
import pytest
import torch
from mmdet.structures.mask import BitmapMasks
from test_models_transvg import make_batch

import mmvg.models.grounders.vglaw  # noqa: F401
import mmvg.models.heads.law_head  # noqa: F401
from mmvg.registry import MODELS


def tiny_vglaw(vocab_file, lang_dims=16, **head):
    return MODELS.build(tiny_vglaw_cfg(vocab_file, lang_dims, **head))


def tiny_vglaw_cfg(vocab_file, lang_dims=16, **head):
    """A tiny VG-LAW config (visual and text width 32 and 16)."""
    return dict(
        type='VGLAW',
        data_preprocessor=dict(
            type='DetDataPreprocessor', pad_size_divisor=16, pad_mask=True),
        backbone=dict(
            type='LanguageAdaptiveViT',
            img_size=64,
            patch_size=16,
            embed_dims=32,
            num_layers=2,
            num_heads=2,
            with_cls_token=False,
            final_norm=False,
            window_size=2,
            global_attn_indexes=(1, ),
            use_rel_pos=True,
            lang_dims=lang_dims,
            num_groups=2,
            reduction=4,
            dynamic_dims=4),
        text_encoder=dict(
            type='HFTextEncoder',
            vocab_file=vocab_file,
            max_length=12,
            config=dict(
                hidden_size=16,
                num_hidden_layers=1,
                num_attention_heads=2,
                intermediate_size=32)),
        bbox_head=dict(
            type='VGLAWHead',
            in_channels=32,
            lang_dims=16,
            pool_dims=8,
            norm_cfg=dict(type='GN', num_groups=4),
            **head))


def masked_batch():
    inputs, samples = make_batch()
    for sample in samples:
        mask = np.zeros((1, 64, 64), np.uint8)
        mask[0, 8:30, 4:20] = 1
        sample.gt_instances.masks = BitmapMasks(mask, 64, 64)
    return inputs, samples


def test_loss_reaches_backbone_generator_and_text_encoder(vocab_file):
    model = tiny_vglaw(vocab_file)
    model.init_weights()
    inputs, samples = masked_batch()
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_bbox', 'loss_iou', 'loss_mask', 'loss_dice'}
    sum(losses.values()).backward()
    # Phi starts at zero but receives gradients, so expressions adapt W
    assert model.backbone.law.phi_weight.grad.abs().sum() > 0
    assert model.backbone.patch_embed.proj.weight.grad.abs().sum() > 0
    word_grad = model.text_encoder.model.embeddings.word_embeddings.weight
    assert word_grad.grad.abs().sum() > 0


def test_predict_gives_boxes_and_masks_in_original_pixels(vocab_file):
    model = tiny_vglaw(vocab_file).eval()
    inputs, samples = masked_batch()
    with torch.no_grad():
        results = model(inputs, samples, mode='predict')
    for result in results:
        pred = result.pred_instances
        height, width = result.ori_shape
        assert pred.bboxes.shape == (1, 4) and pred.scores.shape == (1, )
        assert (pred.bboxes[:, 0::2] <= width).all()
        assert (pred.bboxes[:, 1::2] <= height).all()
        assert pred.masks.shape == (1, height, width)
    with torch.no_grad():
        outputs = model(inputs, samples, mode='tensor')
    assert outputs['mask_logits'].shape == (3, 64, 64)


def test_padding_mask_marks_cells_outside_the_image(vocab_file):
    model = tiny_vglaw(vocab_file)
    inputs, samples = make_batch(img_shape=(64, 48))
    mask = model.padding_mask(inputs, samples, (4, 4)).view(-1, 4, 4)
    assert mask[:, :, 3].all() and not mask[:, :, :3].any()


def test_width_mismatch_is_refused(vocab_file):
    with pytest.raises(ValueError, match='lang_dims 32 differs'):
        tiny_vglaw(vocab_file, lang_dims=32)
