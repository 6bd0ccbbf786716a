# synthetic_4e_adamw.py stretched to 8 epochs, for the tiny grounders that
# learn more slowly than the TransVG-style baseline.
_base_ = './synthetic_4e_adamw.py'

max_epochs = 8
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='CosineAnnealingLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       eta_min=1e-5)]
