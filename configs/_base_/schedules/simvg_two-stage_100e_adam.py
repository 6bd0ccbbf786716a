# SimVG two-stage DWBD on gRefCOCO, stage 2: lr 5e-4 for 100 epochs, decay
# at 90 (the official config).
_base_ = './simvg_30e_adam.py'

max_epochs = 100
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=5e-4))
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='MultiStepLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       milestones=[90],
                       gamma=0.1)]
