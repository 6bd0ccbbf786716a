# SimVG with BEiT-3 large, patch 32, 640 x 640; DWBD weights 1.0 / 0.4: the
# model only.
_base_ = './simvg_vit-b32.py'

model = dict(
    backbone=dict(
        arch='large',
        init_cfg=dict(
            checkpoint='pretrain_weights/beit3_large_patch16_224.pth')),
    query_generator=dict(in_channels=1024),
    decoder=dict(in_channels=1024),
    bbox_head=dict(
        in_channels=1024, distill_loss=dict(gt_weight=1.0,
                                            teacher_weight=0.4)))
