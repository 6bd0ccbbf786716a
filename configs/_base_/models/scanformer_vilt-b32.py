# ScanFormer over ViLT-B/32 (Su et al., CVPR 2024): the text, then a
# 3-scale pyramid of the 640 x 640 input (160, 320, 640: 5x5, 10x10, 20x20
# patches), coarsest first, Encoder1 = blocks 0-5, Encoder2 = blocks 6-11.
# Weights: ViLT's release `vilt_200k_mlm_itm.ckpt` (or a transformers
# `dandelin/vilt-b32-mlm` folder) and bert-base-uncased's vocab.txt, in
# pretrain_weights/ (docs/get_started.md). Choices where the paper is silent:
# configs/scanformer/README.md.
model = dict(
    type='ScanFormer',
    # ViLT's normalisation: (x - 0.5) / 0.5
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_size_divisor=128),
    tokenizer=dict(
        type='WordPieceTokenizer',
        vocab_file='pretrain_weights/bert-base-uncased/vocab.txt',
        max_length=40),
    backbone=dict(
        type='ScanningEncoder',
        encoder=dict(
            type='ViLT',
            init_cfg=dict(
                type='Pretrained',
                checkpoint='pretrain_weights/vilt_200k_mlm_itm.ckpt')),
        num_scales=3,
        factor=2,
        split=6,
        selector=dict(type='PatchSelector', tau=1.0, threshold=0.5)),
    bbox_head=dict(
        type='ScaleRegHead',
        in_channels=768,
        loss_bbox=dict(type='L1Loss', loss_weight=5.0),
        loss_iou=dict(type='GIoULoss', loss_weight=2.0),
        loss_budget=dict(
            type='PatchBudgetLoss', target_ratio=0.35, loss_weight=1.0)))
