# Stage 2 of two-stage DWBD on gRefCOCO after simvg_vit-b32_two-
# stage-1_grefcoco.py:
# 10 queries, lr 5e-4 for 100 epochs (the official stage-2 config).
_base_ = [
    '../_base_/datasets/grefcoco.py',
    '../_base_/models/simvg_vit-b32_two-stage.py',
    '../_base_/schedules/simvg_two-stage_100e_adam.py',
    '../_base_/default_runtime.py',
]

# stage 1's last checkpoint, where tools/train.py writes it for
# simvg_vit-b32_two-stage-1_grefcoco.py (README.md, "Two-stage DWBD")
stage1_checkpoint = ('work_dirs/simvg_vit-b32_two-stage-1_grefcoco/'
                     'epoch_200.pth')
load_from = stage1_checkpoint
# stage 1 has no token branch
checkpoint_allow_missing = [r'^bbox_head\.token_branch\.']
model = dict(
    query_generator=dict(num_queries=10), bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=32)
