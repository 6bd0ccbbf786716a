# TransVG-style baseline (Deng et al., ICCV 2021) at ResNet-50: the model
# only. Visual branch: mmdet's ResNet-50 from DETR's backbone (stem and
# layer1 frozen, BatchNorm frozen, as DETR/TransVG train it) and DETR's
# input projection (a 1x1 conv to 256, here the ChannelMapper); DETR's
# 6-layer transformer encoder of TransVG's visual branch is not part of this
# baseline. Language branch: BERT-base (12 layers). Fusion: TransVG's 6-layer
# visual-linguistic transformer (256-d, 8 heads, FFN 2048, dropout 0.1) with
# a [REG] token; head: TransVG's 3-layer MLP on [REG], L1 + GIoU.
# Weights in pretrain_weights/: TransVG's DETR checkpoint (detr-r50-unc.pth,
# COCO without the RefCOCO-family val/test images; leaves may name another)
# and bert-base-uncased as a folder. See configs/epmvg/README.md.
embed_dims = 256
max_text_len = 20
model = dict(
    type='TransVG',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=32),
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        style='pytorch',
        init_cfg=dict(
            type='DETRPretrained',
            checkpoint='pretrain_weights/detr-r50-unc.pth')),
    neck=dict(
        type='ChannelMapper',
        in_channels=[2048],
        out_channels=embed_dims,
        kernel_size=1,
        norm_cfg=None,
        act_cfg=None),
    text_encoder=dict(
        type='HFTextEncoder',
        name_or_path='pretrain_weights/bert-base-uncased',
        max_length=max_text_len),
    fusion=dict(
        type='VLFusionTransformer',
        embed_dims=embed_dims,
        num_layers=6,
        num_heads=8,
        ffn_dims=2048,
        max_text_len=max_text_len,
        dropout=0.1),
    bbox_head=dict(
        type='RegTokenHead',
        in_channels=embed_dims,
        # TransVG sums L1 over the 4 coordinates (per box): 4x mmdet's mean
        loss_bbox=dict(type='L1Loss', loss_weight=4.0),
        loss_iou=dict(type='GIoULoss', loss_weight=1.0)))
