# Stage 2 of two-stage DWBD (see ../_base_/models/simvg_vit-b32_two-stage.py)
# after simvg_vit-l32_1x_referitgame.py.
_base_ = [
    '../_base_/datasets/referitgame.py',
    '../_base_/models/simvg_vit-l32_two-stage.py',
    '../_base_/schedules/simvg_two-stage_20e_adam.py',
    '../_base_/ema_runtime.py',
]

load_from = 'work_dirs/simvg_vit-l32_1x_referitgame/epoch_30.pth'
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(base_batch_size=4)
