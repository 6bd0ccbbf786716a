# The DWBD control: the same tiny SimVG, but the token branch learns from the
# ground truth only (w fixed at 0: no distillation from the decoder branch).
_base_ = './simvg_tiny_synthetic.py'

model = dict(bbox_head=dict(distill_loss=dict(fixed_weight=0.0)))
