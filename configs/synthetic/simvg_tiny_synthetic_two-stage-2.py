# Two-stage SimVG at toy size, stage 2 (the released recipe's
# `_twostage_2`): both branches with DWBD, from stage 1's checkpoint
# (simvg_tiny_synthetic_two-stage-1.py, whose model has no token branch:
# the only keys it may lack), the remaining 3 of the one-stage run's 8
# epochs at 0.6x its lr (the official 3e-4 after 5e-4). Tests with the
# token branch; `--cfg-options model.bbox_head.test_branch=db` for the DB.
_base_ = './simvg_tiny_synthetic.py'

stage1_checkpoint = 'work_dirs/simvg_tiny_synthetic_two-stage-1/epoch_5.pth'
load_from = stage1_checkpoint
checkpoint_allow_missing = [r'^bbox_head\.token_branch\.']
model = dict(bbox_head=dict(test_branch='tb'))

max_epochs = 3
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
optim_wrapper = dict(optimizer=dict(lr=3e-4))
param_scheduler = [{{_base_.warmup}},
                   dict(
                       type='CosineAnnealingLR',
                       by_epoch=True,
                       begin=0,
                       end=max_epochs,
                       eta_min=1e-5)]
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=1))
