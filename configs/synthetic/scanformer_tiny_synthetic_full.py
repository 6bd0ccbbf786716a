# The tiny ScanFormer's encoder reading the finest scale in full: one scale
# (the 128 px input, 8x8 patches), no selection, no budget loss; the
# reference that scanning is measured against (same model, data and
# schedule; nothing to warm up).
_base_ = './scanformer_tiny_synthetic.py'

model = dict(
    backbone=dict(num_scales=1),
    bbox_head=dict(loss_budget=None, keep_weight=0.0))
custom_hooks = [dict(type='RNGStateHook')]
