# EpmVG: TransVG-style ResNet-50 (DETR) + BERT-base student, frozen CLIP
# ViT-B/16 teacher, RefCOCOg (UMD), TransVG's schedule; 40 tokens, as
# TransVG reads RefCOCOg. See README.md.
_base_ = [
    '../_base_/datasets/refcocog_umd.py', '../_base_/datasets/transvg_640.py',
    '../_base_/models/epmvg_transvg-r50_clip-b16.py',
    '../_base_/schedules/transvg_90e_adamw.py', '../_base_/default_runtime.py'
]

model = dict(text_encoder=dict(max_length=40), fusion=dict(max_text_len=40))

# TransVG's batch of 64: 8 GPUs x 8
train_dataloader = dict(
    batch_size=8, dataset=dict(pipeline={{_base_.transvg_train_pipeline}}))
val_dataloader = dict(batch_size=8)
test_dataloader = dict(batch_size=8)

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=3, save_best='REC/Acc@0.5'))
