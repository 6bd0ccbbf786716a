# gRefCOCO: 0..N targets, 10 queries, boxes scored >= 0.7 kept by GRECMetric;
# the paper trains 200 epochs.
_base_ = [
    '../_base_/datasets/grefcoco.py', './_base_/simvg_vit-b32.py',
    './_base_/simvg_schedules.py'
]

model = dict(bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=32)

train_cfg = dict(max_epochs={{_base_.grec_200e.max_epochs}})
param_scheduler = {{_base_.grec_200e.param_scheduler}}
