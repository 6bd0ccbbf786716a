# ScanFormer's fine-tuning schedule (the paper gives none; mmvg's choice,
# ViLT's own fine-tuning recipe): AdamW, lr 1e-4 with the new parts
# (selectors, [REG] and constant tokens, head) at x10, weight decay 0.01,
# one warm-up epoch, cosine decay over 30 epochs, gradient clip 1.0.
max_epochs = 30
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.01),
    paramwise_cfg=dict(
        custom_keys={
            'backbone.selectors': dict(lr_mult=10.0),
            'backbone.reg_tokens': dict(lr_mult=10.0, decay_mult=0.0),
            'backbone.constant_token': dict(lr_mult=10.0, decay_mult=0.0),
            'bbox_head': dict(lr_mult=10.0)
        }),
    clip_grad=dict(max_norm=1.0, norm_type=2))
warmup = dict(
    type='LinearLR',
    start_factor=1e-3,
    by_epoch=True,
    begin=0,
    end=1,
    convert_to_iter_based=True)
param_scheduler = [
    warmup,
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=1,
        end=max_epochs,
        eta_min=1e-6,
        convert_to_iter_based=True)
]
# 64 samples per step (e.g. 8 GPUs x 8); lr scales with the batch
auto_scale_lr = dict(enable=False, base_batch_size=64)
