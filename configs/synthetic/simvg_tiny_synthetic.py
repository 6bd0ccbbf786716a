# A tiny SimVG (randomly initialised BEiT-3, 128 px, patch 16) that trains on
# CPU in minutes on the built-in synthetic dataset. BEiT-3 reads sentencepiece
# ids: make the model first with
#   python tools/dataset_converters/make_synthetic_spm.py data/synthetic
# Aids that are not in the paper make a model this small learn from scratch
# (see configs/synthetic/README.md): a convolutional stem instead of the
# patchify layer, patch positions that start from a 2-D sine encoding, cell
# proposals as the decoder queries' reference boxes, a loss asking the object
# token to point at the target's cell, and the token branch refining the
# proposal box of the cell it points at.
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/schedules/synthetic_8e_adamw.py',
    '../_base_/default_runtime.py', './_base_/simvg_tiny_head.py'
]

embed_dims = 128
model = dict(
    type='SimVG',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_size_divisor=16),
    backbone=dict(
        type='BEiT3',
        arch=dict(
            embed_dims=embed_dims, num_layers=4, num_heads=4, mlp_ratio=2.),
        img_size=128,
        patch_size=16,
        vocab_size=64,
        max_text_positions=32,
        patch_embed=dict(type='ConvStem', base_channels=16),
        init_cfg=[
            dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
            dict(type='Sine2DPositionInit')
        ]),
    tokenizer=dict(
        type='BEiT3Tokenizer', spm_path={{_base_.spm_path}}, max_length=20),
    bbox_head={{_base_.simvg_tiny_head}})

optim_wrapper = dict(optimizer=dict(lr=5e-4))

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=2, max_keep_ckpts=2))
