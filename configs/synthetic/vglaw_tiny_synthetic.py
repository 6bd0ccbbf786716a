# A tiny VG-LAW (language-adaptive ViT + multi-task head) that trains on CPU
# on the built-in synthetic dataset: REC boxes and RES masks together.
# Aids that are not in the paper make a model this small learn from scratch
# (see configs/synthetic/README.md): a convolutional stem instead of the
# patchify layer, the pooling weights supervised with the cell holding the
# target's centre (loss_lap), the box read at the top pooled cell, and sine
# positions added to the visual map that both branches read.
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/schedules/synthetic_8e_adamw.py',
    '../_base_/default_runtime.py', './_base_/vglaw_tiny_head.py'
]

embed_dims = 128
lang_dims = 128
patch_size = 16
max_length = 40
model = dict(
    type='VGLAW',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=16,
        pad_mask=True),
    backbone=dict(
        type='LanguageAdaptiveViT',
        img_size=128,
        patch_size=patch_size,
        embed_dims=embed_dims,
        num_layers=4,
        num_heads=4,
        with_cls_token=False,
        final_norm=False,
        # an 8 x 8 grid: every block attends globally
        window_size=0,
        use_rel_pos=True,
        lang_dims=lang_dims,
        num_groups=4,
        reduction=4,
        dynamic_dims=32,
        patch_embed=dict(type='ConvStem', base_channels=16)),
    text_encoder=dict(
        type='HFTextEncoder',
        config=dict(
            hidden_size=lang_dims,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=256),
        vocab_file={{_base_.vocab_file}},
        max_length=max_length),
    bbox_head={{_base_.vglaw_tiny_head}})

train_dataloader = dict(dataset=dict(pipeline={{_base_.res_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.res_test_pipeline}}))
test_dataloader = val_dataloader

val_evaluator = {{_base_.rec_res_evaluator}}
test_evaluator = val_evaluator

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=2, max_keep_ckpts=2))
