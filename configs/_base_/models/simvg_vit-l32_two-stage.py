# Two-stage DWBD, stage 2, ViT-L/32 (see simvg_vit-b32_two-stage.py): the
# large encoder's width and DWBD weights 1.0 / 0.4, as simvg_vit-l32.py.
_base_ = './simvg_vit-b32_two-stage.py'

model = dict(
    backbone=dict(arch='large'),
    query_generator=dict(in_channels=1024),
    decoder=dict(in_channels=1024),
    bbox_head=dict(
        in_channels=1024, distill_loss=dict(gt_weight=1.0,
                                            teacher_weight=0.4)))
