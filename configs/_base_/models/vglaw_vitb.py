# VG-LAW (CVPR 2023): ViT-B (ViTDet) + 6-layer BERT, REC + RES: the model
# only. Weights: the ViT of detectron2's ViTDet-B Mask R-CNN (COCO) in
# pretrain_weights/, see configs/vglaw/README.md.
embed_dims = 768
lang_dims = 768
patch_size = 16
model = dict(
    type='VGLAW',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=patch_size,
        pad_mask=True),
    backbone=dict(
        type='LanguageAdaptiveViT',
        img_size=224,
        patch_size=patch_size,
        embed_dims=embed_dims,
        num_layers=12,
        num_heads=12,
        drop_path_rate=0.1,
        with_cls_token=False,
        final_norm=False,
        window_size=14,
        global_attn_indexes=(2, 5, 8, 11),
        use_rel_pos=True,
        rel_pos_grid=64,
        lang_dims=lang_dims,
        num_groups=12,
        reduction=16,
        dynamic_dims=32,
        # ViT of detectron2's ViTDet-B Mask R-CNN (COCO); see README.md
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain_weights/vitdet_b_mask_rcnn_backbone.pth')),
    text_encoder=dict(
        type='HFTextEncoder',
        name_or_path='bert-base-uncased',
        num_layers=6,
        max_length=40),
    bbox_head=dict(
        type='VGLAWHead',
        in_channels=embed_dims,
        lang_dims=lang_dims,
        pool_dims=256,
        in_stride=patch_size,
        with_rec=True,
        with_res=True,
        mask_thr=0.35,
        loss_bbox=dict(type='L1Loss', loss_weight=1.0),
        loss_iou=dict(type='GIoULoss', loss_weight=1.0),
        loss_mask=dict(type='FocalLoss', use_sigmoid=True, loss_weight=4.0),
        loss_dice=dict(type='DiceLoss', use_sigmoid=True, loss_weight=4.0)))
