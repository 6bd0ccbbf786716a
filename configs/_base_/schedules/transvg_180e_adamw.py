# TransVG's RefCOCO+ schedule (official README): transvg_90e_adamw.py for
# 180 epochs, lr x0.1 after epoch 120.
_base_ = './transvg_90e_adamw.py'

max_epochs = 180
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[120],
        gamma=0.1)
]
