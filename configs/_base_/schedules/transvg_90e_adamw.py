# TransVG's schedule (official repo: train.py defaults and README): AdamW,
# lr 1e-4, both backbones (ResNet, BERT) 1e-5, weight decay 1e-4, batch 64
# (8 GPUs x 8), 90 epochs, lr x0.1 after epoch 60, no gradient clipping;
# validation every epoch.
max_epochs = 90
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={
        'backbone': dict(lr_mult=0.1),
        'text_encoder': dict(lr_mult=0.1)
    }))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[60],
        gamma=0.1)
]
# lr above is for TransVG's total batch of 64
auto_scale_lr = dict(enable=False, base_batch_size=64)
