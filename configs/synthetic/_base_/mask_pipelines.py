# Pipelines and evaluators of the synthetic set with masks (RES): masks
# travel with the boxes, loaded as bitmaps, resized and flipped. For models
# whose head predicts masks; the scale is the synthetic set's 128 px.
mask_train_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='PackGroundingInputs')
]
mask_test_pipeline = [
    dict(type='LoadGroundingImage'),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
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
