# VG-LAW (CVPR 2023), ViT-B (ViTDet) + 6-layer BERT, 448x448, REC + RES,
# ReferItGame (Berkeley splits, RLE masks), the paper's schedule and
# horizontal flip. See README.md.
_base_ = [
    '../_base_/datasets/referitgame.py', '../_base_/datasets/refer_res_448.py',
    '../_base_/models/vglaw_vitb.py', '../_base_/schedules/vglaw_90e_adamw.py',
    '../_base_/default_runtime.py'
]

img_scale = {{_base_.res_img_scale}}
train_pipeline = {{_base_.res_train_pipeline}}
test_pipeline = {{_base_.res_test_pipeline}}
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))

val_evaluator = {{_base_.rec_res_evaluator}}
test_evaluator = val_evaluator

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=3, save_best='REC/Acc@0.5'))
