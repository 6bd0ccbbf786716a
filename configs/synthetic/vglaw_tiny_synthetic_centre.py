# vglaw_tiny_synthetic.py with two additions that are not in the paper, for a
# small model trained from scratch: the pooling weights are supervised with
# the cell holding the target's centre, and the box centre is their expected
# cell (plus an offset of at most one cell) rather than a regression from
# the pooled feature, which carries little absolute position.
_base_ = ['./vglaw_tiny_synthetic.py']

model = dict(
    bbox_head=dict(
        loss_lap=dict(type='CrossEntropyLoss', loss_weight=1.0),
        centre_from_pooling=True))
