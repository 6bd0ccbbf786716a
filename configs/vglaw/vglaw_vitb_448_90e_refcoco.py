# VG-LAW (CVPR 2023), ViT-B (ViTDet) + 6-layer BERT, 448x448, REC + RES,
# RefCOCO (UNC), the paper's schedule and horizontal flip. See README.md.
_base_ = [
    '../_base_/datasets/refcoco.py', '../_base_/models/vglaw_vitb.py',
    '../_base_/schedules/vglaw_90e_adamw.py', '../_base_/default_runtime.py'
]

img_scale = (448, 448)
train_pipeline = [
    dict(type='LoadGroundingImage', backend_args={{_base_.backend_args}}),
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    # flips image, boxes, masks and swaps 'left' / 'right' in the expression
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='Pad', size=img_scale),
    dict(type='PackGroundingInputs')
]
test_pipeline = [
    dict(type='LoadGroundingImage', backend_args={{_base_.backend_args}}),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='Pad', size=img_scale),
    # after Resize/Pad: targets stay in original-image pixels for metrics
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='PackGroundingInputs')
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))

val_evaluator = [dict(type='RECMetric'), dict(type='RESMetric')]
test_evaluator = val_evaluator

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=3, save_best='REC/Acc@0.5'))
