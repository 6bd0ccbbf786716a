# Two-stage DWBD, stage 1, ViT-B/32, as released (the official
# `_twostage_1` configs, branch_loss_weight={"decoder": 1.0}): the decoder
# branch alone, no token branch and no DWBD. Stage 2 is
# simvg_vit-b32_two-stage.py.
_base_ = './simvg_vit-b32.py'

model = dict(bbox_head=dict(token_branch=None, distill_loss=None))
