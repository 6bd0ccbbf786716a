# Control run: the same model and schedule, with every expression replaced by
# one constant word. Whatever it scores is what the images alone give away.
_base_ = ['./transvg_tiny_synthetic.py']

blind = dict(type='ReplaceText', text='shape')
train_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale={{_base_.img_scale}}, keep_ratio=True),
    # the base's flip, so that only the expressions differ
    dict(type='GroundingRandomFlip', prob=0.5),
    blind,
    dict(type='PackGroundingInputs')
]
test_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(type='Resize', scale={{_base_.img_scale}}, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True), blind,
    dict(type='PackGroundingInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
