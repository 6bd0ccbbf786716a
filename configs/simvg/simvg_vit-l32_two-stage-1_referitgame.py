# Stage 1 of two-stage DWBD (the released recipe;
# ../_base_/models/simvg_vit-l32_two-stage-1.py):
# the decoder branch alone, lr 5e-4 for 30 epochs with the official stage-1
# decays at 21 and 27 (as simvg_mixed_30e_adam.py).
# Stage 2: simvg_vit-l32_two-stage_referitgame.py.
_base_ = [
    '../_base_/datasets/referitgame.py',
    '../_base_/models/simvg_vit-l32_two-stage-1.py',
    '../_base_/schedules/simvg_mixed_30e_adam.py',
    '../_base_/default_runtime.py',
]

# the paper trains ViT-L with batch 4
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(base_batch_size=4)
