# Two-stage DWBD: the stage-1 model (simvg_vit-b32_1x_refcoco.py) is loaded
# and its TQG + decoder branch frozen as the teacher; the token branch (and
# the encoder) learn from it. Inference uses the token branch alone.
_base_ = './simvg_vit-b32_1x_refcoco.py'

load_from = 'work_dirs/simvg_vit-b32_1x_refcoco/epoch_30.pth'
model = dict(
    backbone=dict(init_cfg=None),  # the encoder comes from load_from
    bbox_head=dict(distill_mode='two-stage', test_branch='tb'))

# stage 2: lr 3e-4 for 20 epochs; the decay point is not published, it is
# kept at 5/6 of the run as in stage 1
max_epochs = 20
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=3e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=3,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[17], gamma=0.1)
]
