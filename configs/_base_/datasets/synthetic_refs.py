# The built-in synthetic dataset, written in the refer format by
# tools/dataset_converters/make_synthetic_refs.py data/synthetic
dataset_type = 'RefCOCODataset'
data_root = 'data/synthetic/'
# the set's WordPiece vocabulary (BERT text encoders) and sentencepiece model
# (BEiT-3's tokenizer; tools/dataset_converters/make_synthetic_spm.py), which
# the model configs read as {{_base_.vocab_file}} / {{_base_.spm_path}}
vocab_file = data_root + 'synthetic/vocab.txt'
spm_path = data_root + 'synthetic/spm.model'
img_scale = (128, 128)

train_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    # flips boxes and swaps 'left' / 'right' in the expression
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='PackGroundingInputs')
]
test_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    # after Resize: targets stay in original-image pixels for metrics
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackGroundingInputs')
]

# with masks (RES), for heads that predict them: masks travel with the
# boxes, loaded as bitmaps, resized and flipped. Names no other base uses;
# configs read them as {{_base_.res_train_pipeline}} etc.
res_train_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='PackGroundingInputs')
]
res_test_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    # after Resize: targets stay in original-image pixels for metrics
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='PackGroundingInputs')
]
rec_res_evaluator = [
    dict(type='RECMetric', group_key='expr_kind'),
    dict(type='RESMetric')
]

_split = dict(
    type=dataset_type,
    data_root=data_root,
    ann_file='synthetic/instances.json',
    split_file='synthetic/refs(unc).p',
    data_prefix=dict(img_path='images/'),
    dataset_name='synthetic')

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    # DefaultSampler that can resume mid-epoch (iteration checkpoints)
    sampler=dict(type='ResumableSampler', shuffle=True),
    dataset=dict(**_split, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **_split, split='val', pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='RECMetric', group_key='expr_kind')
test_evaluator = val_evaluator
