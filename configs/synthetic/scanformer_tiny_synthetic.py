# A tiny ScanFormer: the paper model (../_base_/models/scanformer_vilt-b32.py)
# shrunk to a randomly initialised ViLT of width 128 (4 blocks: Encoder1 =
# 2, Encoder2 = 2), patch 16, scanning a 3-scale pyramid of the 128 px input
# (32, 64, 128 px: 2x2, 4x4, 8x8 patches), trained on CPU on the built-in
# synthetic dataset. Aids that are not in the paper make a model this small
# learn from scratch (configs/synthetic/README.md): a convolutional stem
# instead of the patchify layer (2x2 stride-2 convolutions, which see one
# patch at a time, so that only the patches read are embedded), patch
# positions that start from a 2-D sine encoding, and each
# scale's [REG] token pointing at a cell whose anchored box is the scale's
# box, with the selection told to read the patches that overlap the target
# (ScaleCellHead, keep_weight); the first two epochs read every patch
# (SelectionWarmupHook) while the selection learns.
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/models/scanformer_vilt-b32.py',
    '../_base_/schedules/synthetic_8e_adamw.py', '../_base_/default_runtime.py'
]

embed_dims = 128
model = dict(
    data_preprocessor=dict(pad_size_divisor=64),
    tokenizer=dict(vocab_file={{_base_.vocab_file}}, max_length=20),
    backbone=dict(
        encoder=dict(
            vocab_size=64,
            max_text_len=20,
            img_size=128,
            patch_size=16,
            embed_dims=embed_dims,
            num_layers=4,
            num_heads=4,
            mlp_ratio=2.0,
            patch_embed=dict(
                type='ConvStem', base_channels=16, patch_local=True),
            # from scratch, patch positions starting as a 2-D sine grid
            init_cfg=[dict(type='Sine2DPositionInit')]),
        split=2),
    bbox_head=dict(
        type='ScaleCellHead',
        in_channels=embed_dims,
        keep_weight=10.0,
        loss_budget=dict(target_ratio=0.2, loss_weight=2.0)))

custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='SelectionWarmupHook', epochs=2)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=2, max_keep_ckpts=2))
