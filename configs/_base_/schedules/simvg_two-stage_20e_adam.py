# SimVG two-stage DWBD, stage 2: lr 3e-4 for 20 epochs, decay at 15 (the
# official RefCOCO stage-2 config).
_base_ = './simvg_30e_adam.py'

max_epochs = 20
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=3e-4))
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='MultiStepLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       milestones=[15],
                       gamma=0.1)]
