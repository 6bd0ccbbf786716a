# Two-stage DWBD, stage 1, ViT-L/32 (see simvg_vit-b32_two-stage-1.py).
_base_ = './simvg_vit-l32.py'

model = dict(bbox_head=dict(token_branch=None, distill_loss=None))
