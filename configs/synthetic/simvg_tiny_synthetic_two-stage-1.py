# Two-stage SimVG at toy size, stage 1 (the released recipe's
# `_twostage_1`): the tiny SimVG of simvg_tiny_synthetic.py with the decoder
# branch alone (no token branch, no DWBD), 5 of the one-stage run's 8 epochs
# (the official 30 : 20 split of the two stages, rounded), lr 5e-4.
# Stage 2 is simvg_tiny_synthetic_two-stage-2.py.
_base_ = './simvg_tiny_synthetic.py'

model = dict(bbox_head=dict(token_branch=None, distill_loss=None))

max_epochs = 5
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='CosineAnnealingLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       eta_min=1e-5)]
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=1))
