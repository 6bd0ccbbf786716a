# SimVG on gRefCOCO: 200 epochs, decay at 180 (the official gRefCOCO config).
_base_ = './simvg_30e_adam.py'

max_epochs = 200
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='MultiStepLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       milestones=[180],
                       gamma=0.1)]
