# SimVG with BEiT-3 base, patch 32, 640 x 640 (model, schedule, runtime).
# Dataset configs combine this file with a configs/_base_/datasets file.
# Weights: the official BEiT-3 checkpoint and its sentencepiece model
# (unilm beit3 release) in pretrain_weights/.
_base_ = '../../_base_/default_runtime.py'

img_size = 640
embed_dims = 768
head_dims = 256
num_queries = 1  # 10 for gRefCOCO
model = dict(
    type='SimVG',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        # BEiT-3 normalises images to [-1, 1]
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_size_divisor=32),
    backbone=dict(
        type='BEiT3',
        arch='base',
        img_size=img_size,
        patch_size=32,
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain_weights/beit3_base_patch16_224.pth')),
    tokenizer=dict(
        type='BEiT3Tokenizer',
        spm_path='pretrain_weights/beit3.spm',
        max_length=20,
        clean_text=True),
    bbox_head=dict(
        type='SimVGHead',
        in_channels=embed_dims,
        num_queries=num_queries,
        query_generator=dict(
            type='TextGuidedQueryGenerator',
            embed_dims=head_dims,
            num_layers=2,
            num_heads=8,
            ffn_dims=512),
        decoder_branch=dict(
            type='SimVGDecoderBranch',
            embed_dims=head_dims,
            num_layers=3,
            num_heads=8,
            ffn_dims=2048),
        token_branch=dict(type='SimVGTokenBranch', embed_dims=head_dims),
        distill_loss=dict(type='DWBDLoss', gt_weight=2.0, teacher_weight=1.0),
        distill_mode='one-stage',
        # 'tb': the token branch alone (the decoder is not run)
        test_branch='db'))

# Paper schedule: Adam (amsgrad), backbone lr x0.1, 3 warm-up epochs,
# 30 epochs with a decay at 25, gradient clip 0.15, EMA.
max_epochs = 30
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='Adam',
        lr=5e-4,
        betas=(0.9, 0.98),
        eps=1e-9,
        weight_decay=0.,
        amsgrad=True),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}),
    clip_grad=dict(max_norm=0.15, norm_type=2))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=3,
        convert_to_iter_based=True),
    dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=0,
        end=max_epochs,
        milestones=[25],
        gamma=0.1)
]
# 32 samples per step (e.g. 8 GPUs x 4); lr scales with the batch
auto_scale_lr = dict(enable=False, base_batch_size=32)

custom_hooks = [
    dict(type='RNGStateHook'),
    dict(
        type='EMAHook',
        ema_type='ExponentialMovingAverage',
        momentum=0.0002,
        update_buffers=True,
        priority=49)
]
