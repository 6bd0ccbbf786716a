# TransVG's REC input on any dataset base: the longer side resized to 640,
# padded to 640x640, and in training a horizontal flip that swaps 'left' /
# 'right' in the expression. TransVG's random resize, crop, translation and
# colour jitter are not reproduced. Inherit it next to a dataset base; a
# leaf sets `pipeline={{_base_.transvg_train_pipeline}}` in its train loader
# (the dataset bases' test pipeline is already TransVG's).
transvg_img_scale = (640, 640)
transvg_train_pipeline = [
    dict(type='LoadGroundingImage', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=False),
    dict(type='Resize', scale=transvg_img_scale, keep_ratio=True),
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='Pad', size=transvg_img_scale),
    dict(type='PackGroundingInputs')
]
