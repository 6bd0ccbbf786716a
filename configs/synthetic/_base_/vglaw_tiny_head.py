# VG-LAW's multi-task head at the tiny synthetic width (128, patch 16), with
# the from-scratch aids of mmvg/models/aids (VGLAWCellHead): the pooling
# weights supervised with the cell holding the target's centre (loss_lap),
# the box read at the top pooled cell, and sine positions added to the visual
# map.
# `vglaw_tiny_head` builds a model's head; `vglaw_tiny_head_swap` replaces a
# head inherited from another config (configs/mix/).
vglaw_tiny_head = dict(
    type='VGLAWCellHead',
    in_channels=128,
    lang_dims=128,
    pool_dims=64,
    in_stride=16,
    with_rec=True,
    with_res=True,
    loss_lap=dict(type='CrossEntropyLoss', loss_weight=1.0))
vglaw_tiny_head_swap = dict(vglaw_tiny_head, _delete_=True)
