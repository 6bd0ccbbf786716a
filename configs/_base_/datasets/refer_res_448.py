# REC + RES at 448x448 on the refer-format sets (RefCOCO/+/g, ReferItGame;
# VG-LAW): masks loaded as bitmaps (poly2mask) travel with the boxes through
# Resize, GroundingRandomFlip and Pad; REC and RES metrics. Inherit it next to
# a dataset base: its names are ones no dataset base uses, so a leaf sets
# `pipeline={{_base_.res_train_pipeline}}` (and the test one) in its loaders.
res_img_scale = (448, 448)
res_train_pipeline = [
    dict(type='LoadGroundingImage', backend_args=None),
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='Resize', scale=res_img_scale, keep_ratio=True),
    # flips image, boxes, masks and swaps 'left' / 'right' in the expression
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='Pad', size=res_img_scale),
    dict(type='PackGroundingInputs')
]
res_test_pipeline = [
    dict(type='LoadGroundingImage', backend_args=None),
    dict(type='Resize', scale=res_img_scale, keep_ratio=True),
    dict(type='Pad', size=res_img_scale),
    # after Resize/Pad: targets stay in original-image pixels for metrics
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='PackGroundingInputs')
]
rec_res_evaluator = [dict(type='RECMetric'), dict(type='RESMetric')]
