# SimVG's schedule (the official single-dataset configs): Adam (amsgrad),
# lr 5e-4, backbone lr x0.1, 3 warm-up epochs, 30 epochs with a decay at 25,
# gradient clip 0.15. The EMA of the weights is in ../ema_runtime.py.
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
# the warm-up of every SimVG schedule (the others name it)
warmup = dict(
    type='LinearLR',
    start_factor=1e-3,
    by_epoch=True,
    begin=0,
    end=3,
    convert_to_iter_based=True)
param_scheduler = [
    warmup,
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
