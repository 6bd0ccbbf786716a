# SimVG two-stage DWBD, ViT-L stage 2: lr 1e-4 for 10 epochs without
# warm-up, decay at 7 (the official ViT-large `_twostage_2` configs).
_base_ = './simvg_30e_adam.py'

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=0,
        end=max_epochs,
        milestones=[7],
        gamma=0.1)
]
