# A tiny SimVG (randomly initialised BEiT-3, 128 px, patch 16) that trains on
# CPU in minutes on the built-in synthetic dataset. BEiT-3 reads sentencepiece
# ids: make the model first with
#   python tools/dataset_converters/make_synthetic_spm.py data/synthetic
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/default_runtime.py'
]

embed_dims = 128
head_dims = 128
num_queries = 1
attn_heads = 4
model = dict(
    type='SimVG',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_size_divisor=16),
    backbone=dict(
        type='BEiT3',
        arch=dict(
            embed_dims=embed_dims, num_layers=4, num_heads=attn_heads,
            mlp_ratio=2.),
        img_size=128,
        patch_size=16,
        vocab_size=64,
        max_text_positions=32),
    tokenizer=dict(
        type='BEiT3Tokenizer',
        spm_path='data/synthetic/synthetic/spm.model',
        max_length=20),
    bbox_head=dict(
        type='SimVGHead',
        in_channels=embed_dims,
        num_queries=num_queries,
        query_generator=dict(
            type='TextGuidedQueryGenerator',
            embed_dims=head_dims,
            num_heads=attn_heads,
            ffn_dims=256,
            dropout=0.0),
        decoder_branch=dict(
            type='SimVGDecoderBranch',
            embed_dims=head_dims,
            num_layers=2,
            num_heads=attn_heads,
            ffn_dims=256,
            dropout=0.0),
        token_branch=dict(type='SimVGTokenBranch', embed_dims=head_dims),
        distill_loss=dict(type='DWBDLoss', gt_weight=2.0, teacher_weight=1.0),
        distill_mode='one-stage',
        test_branch='db'))

max_epochs = 4
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=5e-4, weight_decay=1e-4),
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
