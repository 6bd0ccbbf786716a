# Stage 1 of two-stage DWBD (the released recipe;
# ../_base_/models/simvg_vit-b32_two-stage-1.py):
# the decoder branch alone, with the schedule of simvg_vit-b32_1x_refcoco-
# plus.py.
# Stage 2: simvg_vit-b32_two-stage_refcoco-plus.py.
_base_ = [
    '../_base_/datasets/refcoco_plus.py',
    '../_base_/models/simvg_vit-b32_two-stage-1.py',
    '../_base_/schedules/simvg_30e_adam.py',
    '../_base_/ema_runtime.py',
]

# the released stage 1: batch 16 with EMA
train_dataloader = dict(batch_size=16)
auto_scale_lr = dict(base_batch_size=16)
