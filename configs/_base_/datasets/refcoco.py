# RefCOCO (UNC splits) read from the original refer files.
# Layout (docs/dataset_prepare.md): data/refcoco/{instances.json,refs(unc).p}
# and the COCO images in data/coco/train2014/.
# REC; the REC + RES pipelines (masks) are in refer_res_448.py.
dataset_type = 'RefCOCODataset'
data_root = 'data/'
dataset_name = 'refcoco'
ann_file = 'refcoco/instances.json'
split_file = 'refcoco/refs(unc).p'
img_prefix = 'coco/train2014/'
train_split = 'train'
val_split = 'val'
test_split = 'testA'  # RefCOCO/RefCOCO+ also report 'testB'
img_scale = (640, 640)
backend_args = None

train_pipeline = [
    dict(type='LoadGroundingImage', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=False),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='Pad', size=img_scale),
    dict(type='PackGroundingInputs')
]
test_pipeline = [
    dict(type='LoadGroundingImage', backend_args=backend_args),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='Pad', size=img_scale),
    # after Resize/Pad: targets stay in original-image pixels for metrics
    dict(type='LoadAnnotations', with_bbox=True, with_mask=False),
    dict(type='PackGroundingInputs')
]

train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    # DefaultSampler that can resume mid-epoch (iteration checkpoints)
    sampler=dict(type='ResumableSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        split_file=split_file,
        split=train_split,
        data_prefix=dict(img_path=img_prefix),
        dataset_name=dataset_name,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        split_file=split_file,
        split=val_split,
        data_prefix=dict(img_path=img_prefix),
        dataset_name=dataset_name,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        split_file=split_file,
        split=test_split,
        data_prefix=dict(img_path=img_prefix),
        dataset_name=dataset_name,
        test_mode=True,
        pipeline=test_pipeline))

val_evaluator = dict(type='RECMetric')
test_evaluator = val_evaluator
