# Stage 2 of two-stage DWBD on gRefCOCO after simvg_vit-b32_200e_grefcoco.py:
# 10 queries, lr 5e-4 for 100 epochs (the official stage-2 config).
_base_ = [
    '../_base_/datasets/grefcoco.py', './_base_/simvg_vit-b32_two-stage.py'
]

load_from = 'work_dirs/simvg_vit-b32_200e_grefcoco/epoch_200.pth'
model = dict(bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=32)

train_cfg = dict(max_epochs={{_base_.grec_two_stage_100e.max_epochs}})
optim_wrapper = dict(optimizer=dict(lr={{_base_.grec_two_stage_100e.lr}}))
param_scheduler = {{_base_.grec_two_stage_100e.param_scheduler}}
