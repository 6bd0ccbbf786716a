# gRefCOCO: 0..N targets, 10 queries, boxes scored >= 0.7 kept by GRECMetric;
# the paper trains 200 epochs.
_base_ = [
    '../_base_/datasets/grefcoco.py',
    '../_base_/models/simvg_vit-b32.py',
    '../_base_/schedules/simvg_200e_adam.py',
    '../_base_/ema_runtime.py',
]

model = dict(
    query_generator=dict(num_queries=10), bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=32)
