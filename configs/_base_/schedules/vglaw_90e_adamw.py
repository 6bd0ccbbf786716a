# VG-LAW's schedule: AdamW, lr 4e-4 (both backbones 4e-5), weight decay 1e-4,
# batch 256 (8 GPUs x 32), 90 epochs, lr x0.1 at epochs 10 and 60.
max_epochs = 90
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=max_epochs, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=4e-4, weight_decay=1e-4),
    # both backbones at 4e-5; the weight generator (backbone.law) is new and
    # trains at the base lr with the head
    paramwise_cfg=dict(
        custom_keys={
            'backbone': dict(lr_mult=0.1),
            'text_encoder': dict(lr_mult=0.1),
            'backbone.law': dict(lr_mult=1.0)
        }))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[10, 60],
        gamma=0.1)
]
# lr above is for the paper's total batch of 256
auto_scale_lr = dict(enable=False, base_batch_size=256)
