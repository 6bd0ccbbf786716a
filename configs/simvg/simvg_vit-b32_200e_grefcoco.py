# gRefCOCO: 0..N targets, 10 queries, boxes scored >= 0.7 kept by GRECMetric;
# the paper trains 200 epochs.
_base_ = ['../_base_/datasets/grefcoco.py', './_base_/simvg_vit-b32.py']

model = dict(bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=32)

max_epochs = 200
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=3,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[150], gamma=0.1)
]
