# SimVG mixed pre-training: 30 epochs, decays at 21 and 27.
_base_ = './simvg_30e_adam.py'

max_epochs = 30
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='MultiStepLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       milestones=[21, 27],
                       gamma=0.1)]
