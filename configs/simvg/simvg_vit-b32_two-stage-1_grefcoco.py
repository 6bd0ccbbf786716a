# Stage 1 of two-stage DWBD (the released recipe;
# ../_base_/models/simvg_vit-b32_two-stage-1.py):
# the decoder branch alone, with the schedule of
# simvg_vit-b32_200e_grefcoco.py.
# Stage 2: simvg_vit-b32_two-stage_grefcoco.py.
_base_ = [
    '../_base_/datasets/grefcoco.py',
    '../_base_/models/simvg_vit-b32_two-stage-1.py',
    '../_base_/schedules/simvg_200e_adam.py',
    '../_base_/default_runtime.py',
]

model = dict(
    query_generator=dict(num_queries=10), bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=32)
