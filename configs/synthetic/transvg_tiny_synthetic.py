# A tiny TransVG-style grounder that trains on CPU in minutes on the built-in
# synthetic dataset. Dense patch supervision (PatchCenterHead) is what lets a
# model this small learn from scratch.
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/default_runtime.py'
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
        vocab_file='data/synthetic/synthetic/vocab.txt',
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

max_epochs = 4
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=1.0, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=200),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         eta_min=1e-5)
]
auto_scale_lr = dict(enable=False, base_batch_size=64)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(type='CheckpointHook', interval=2, max_keep_ckpts=2))
randomness = dict(seed=0)
