# Two-stage DWBD, stage 2, ViT-B/32: the stage-1 model (a one-stage config,
# given by each config's load_from) is loaded and its TQG, decoder and
# decoder branch frozen as the teacher; the token branch (and the encoder)
# learn from it.
# Inference uses the token branch alone. The model only; its schedule is
# ../schedules/simvg_two-stage_20e_adam.py (gRefCOCO: _100e_).
_base_ = './simvg_vit-b32.py'

model = dict(
    backbone=dict(init_cfg=None),  # the encoder comes from load_from
    frozen_modules=['query_generator', 'decoder', 'bbox_head.decoder_branch'],
    bbox_head=dict(distill_mode='two-stage', test_branch='tb'))
