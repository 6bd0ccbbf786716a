# A tiny TransVG-style grounder that trains on CPU in minutes on the built-in
# synthetic dataset. Dense patch supervision (PatchCenterHead) is what lets a
# model this small learn from scratch.
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/schedules/synthetic_4e_adamw.py', '../_base_/default_runtime.py'
]

embed_dims = 128
model = dict(
    type='TransVG',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=32),
    backbone=dict(
        type='ResNet',
        depth=18,
        base_channels=16,
        num_stages=3,
        strides=(1, 2, 2),
        dilations=(1, 1, 1),
        out_indices=(2, ),
        norm_cfg=dict(type='BN'),
        norm_eval=False,
        style='pytorch'),
    neck=dict(
        type='ChannelMapper',
        in_channels=[64],
        out_channels=embed_dims,
        kernel_size=1,
        act_cfg=None,
        norm_cfg=dict(type='GN', num_groups=32)),
    text_encoder=dict(
        type='HFTextEncoder',
        config=dict(
            hidden_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=256),
        vocab_file={{_base_.vocab_file}},
        max_length=20),
    fusion=dict(
        type='VLFusionTransformer',
        embed_dims=embed_dims,
        num_layers=4,
        num_heads=8,
        ffn_dims=256,
        max_text_len=20,
        dropout=0.0),
    bbox_head=dict(type='PatchCenterHead', in_channels=embed_dims))

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=2, max_keep_ckpts=2))
