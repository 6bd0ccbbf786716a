_base_ = [
    '../_base_/datasets/referitgame.py',
    '../_base_/models/simvg_vit-l32.py',
    '../_base_/schedules/simvg_30e_adam.py',
    '../_base_/ema_runtime.py',
]

# the paper trains ViT-L with batch 4
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(base_batch_size=4)
