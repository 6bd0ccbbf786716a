_base_ = [
    '../_base_/datasets/refcocog_google.py',
    '../_base_/models/simvg_vit-b32.py',
    '../_base_/schedules/simvg_30e_adam.py',
    '../_base_/ema_runtime.py',
]

train_dataloader = dict(batch_size=32)
