# A tiny SimVG: the paper model (../_base_/models/simvg_vit-b32.py) shrunk to
# a randomly initialised BEiT-3 of width 128, 128 px, patch 16, that trains
# on CPU in minutes on the built-in synthetic dataset. BEiT-3 reads
# sentencepiece ids: make the model first with
#   python tools/dataset_converters/make_synthetic_spm.py data/synthetic
# Aids that are not in the paper make a model this small learn from scratch
# (see configs/synthetic/README.md): a convolutional stem instead of the
# patchify layer, patch positions that start from a 2-D sine encoding, cell
# proposals as the decoder queries' reference boxes, a loss asking the object
# token to point at the target's cell, and the token branch refining the
# proposal box of the cell it points at.
_base_ = [
    '../_base_/datasets/synthetic_refs.py',
    '../_base_/models/simvg_vit-b32.py',
    '../_base_/schedules/synthetic_8e_adamw.py',
    '../_base_/default_runtime.py', './_base_/simvg_tiny_head.py'
]

model = dict(
    data_preprocessor=dict(pad_size_divisor=16),
    backbone=dict(
        arch=dict(
            _delete_=True,
            embed_dims=128,
            num_layers=4,
            num_heads=4,
            mlp_ratio=2.),
        img_size=128,
        patch_size=16,
        vocab_size=64,
        max_text_positions=32,
        drop_path_rate=0.,
        patch_embed=dict(type='ConvStem', base_channels=16),
        init_cfg=[
            dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
            dict(type='Sine2DPositionInit')
        ]),
    tokenizer=dict(spm_path={{_base_.spm_path}}),
    query_generator={{_base_.simvg_tiny_swap.query_generator}},
    decoder={{_base_.simvg_tiny_swap.decoder}},
    bbox_head={{_base_.simvg_tiny_swap.bbox_head}})

optim_wrapper = dict(optimizer=dict(lr=5e-4))

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=2, max_keep_ckpts=2))
