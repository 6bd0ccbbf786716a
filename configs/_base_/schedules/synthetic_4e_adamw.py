# CPU schedule of the tiny synthetic configs: AdamW, 200-iteration warm-up,
# cosine decay over 4 epochs, validation every 2 epochs.
max_epochs = 4
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=max_epochs, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=1.0, norm_type=2))
warmup = dict(
    type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=200)
param_scheduler = [
    warmup,
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=0,
        end=max_epochs,
        eta_min=1e-5)
]
auto_scale_lr = dict(enable=False, base_batch_size=64)
randomness = dict(seed=0)
