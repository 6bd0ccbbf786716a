# Stage 2 of two-stage DWBD (see ../_base_/models/simvg_vit-b32_two-stage.py)
# after simvg_vit-l32_two-stage-1_refcoco-plus.py.
_base_ = [
    '../_base_/datasets/refcoco_plus.py',
    '../_base_/models/simvg_vit-l32_two-stage.py',
    '../_base_/schedules/simvg_two-stage_10e_adam.py',
    '../_base_/default_runtime.py',
]

# stage 1's last checkpoint, where tools/train.py writes it for
# simvg_vit-l32_two-stage-1_refcoco-plus.py (README.md, "Two-stage DWBD")
stage1_checkpoint = ('work_dirs/simvg_vit-l32_two-stage-1_refcoco-plus/'
                     'epoch_30.pth')
load_from = stage1_checkpoint
# stage 1 has no token branch
checkpoint_allow_missing = [r'^bbox_head\.token_branch\.']
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(base_batch_size=4)
