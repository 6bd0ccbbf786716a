# VG-LAW tiny, RES only: the box branch is not built; the predicted box is
# the bounding box of the predicted mask, so REC metrics still apply.
_base_ = './vglaw_tiny_synthetic.py'

model = dict(bbox_head=dict(with_rec=False))
