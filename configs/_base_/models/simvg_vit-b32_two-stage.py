# Two-stage DWBD, stage 2, ViT-B/32, as released (the official
# `_twostage_2` configs): both branches train (DB losses and DWBD for the
# TB), starting from the decoder-only stage-1 checkpoint given by each
# config's load_from; its model has no token branch, the only keys it may
# lack. Inference uses the token branch alone. The model only; its schedule
# is ../schedules/simvg_two-stage_20e_adam.py (gRefCOCO: _100e_).
_base_ = './simvg_vit-b32.py'

model = dict(
    backbone=dict(init_cfg=None),  # the encoder comes from load_from
    bbox_head=dict(test_branch='tb'))
