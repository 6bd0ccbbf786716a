# VG-LAW (CVPR 2023), ViT-B (ViTDet) + 6-layer BERT, 448x448, REC + RES,
# RefCOCO (UNC). Paper schedule: AdamW, lr 4e-5 for both backbones and 4e-4
# for the rest, weight decay 1e-4, batch 256 (8 GPUs x 32), 90 epochs, lr
# x0.1 at epochs 10 and 60, horizontal flip. See README.md.
_base_ = ['../_base_/datasets/refcoco.py', '../_base_/default_runtime.py']

img_scale = (448, 448)
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
            checkpoint='checkpoints/vitdet_b_mask_rcnn_backbone.pth')),
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

train_pipeline = [
    dict(type='LoadGroundingImage', backend_args={{_base_.backend_args}}),
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    # flips image, boxes, masks and swaps 'left' / 'right' in the expression
    dict(type='GroundingRandomFlip', prob=0.5),
    dict(type='Pad', size=img_scale),
    dict(type='PackGroundingInputs')
]
test_pipeline = [
    dict(type='LoadGroundingImage', backend_args={{_base_.backend_args}}),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='Pad', size=img_scale),
    # after Resize/Pad: targets stay in original-image pixels for metrics
    dict(
        type='LoadAnnotations', with_bbox=True, with_mask=True,
        poly2mask=True),
    dict(type='PackGroundingInputs')
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=32, dataset=dict(pipeline=test_pipeline))

val_evaluator = [dict(type='RECMetric'), dict(type='RESMetric')]
test_evaluator = val_evaluator

max_epochs = 90
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=max_epochs, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=4e-4, weight_decay=1e-4),
    # both backbones at 4e-5; the weight generator (backbone.law) is new and
    # trains at the base lr with the head
    paramwise_cfg=dict(
        custom_keys={
            'backbone': dict(lr_mult=0.1),
            'text_encoder': dict(lr_mult=0.1),
            'backbone.law': dict(lr_mult=1.0)
        }))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[10, 60],
        gamma=0.1)
]
# lr above is for the paper's total batch of 256
auto_scale_lr = dict(enable=False, base_batch_size=256)

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=3, save_best='REC/Acc@0.5'))
