# Stage 1 of two-stage DWBD (the released recipe;
# ../_base_/models/simvg_vit-b32_two-stage-1.py):
# the decoder branch alone, with the schedule of simvg_vit-b32_1x_flickr30k.py.
# Stage 2: simvg_vit-b32_two-stage_flickr30k.py.
_base_ = [
    '../_base_/datasets/flickr30k.py',
    '../_base_/models/simvg_vit-b32_two-stage-1.py',
    '../_base_/schedules/simvg_30e_adam.py',
    '../_base_/default_runtime.py',
]

train_dataloader = dict(batch_size=32)
