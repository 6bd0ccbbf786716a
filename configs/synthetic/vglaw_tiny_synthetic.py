# A tiny VG-LAW (language-adaptive ViT + multi-task head) that trains on CPU
# on the built-in synthetic dataset: REC boxes and RES masks together. The
# paper model (../_base_/models/vglaw_vitb.py) shrunk and trained from
# scratch. Aids that are not in the paper make a model this small learn
# (see configs/synthetic/README.md): a convolutional stem instead of the
# patchify layer, the pooling weights supervised with the cell holding the
# target's centre (loss_lap), the box read at the top pooled cell, and sine
# positions added to the visual map that both branches read.
_base_ = [
    '../_base_/models/vglaw_vitb.py', '../_base_/datasets/synthetic_refs.py',
    '../_base_/schedules/synthetic_8e_adamw.py',
    '../_base_/default_runtime.py', './_base_/vglaw_tiny_head.py'
]

embed_dims = 128
lang_dims = 128
model = dict(
    backbone=dict(
        img_size=128,
        embed_dims=embed_dims,
        num_layers=4,
        num_heads=4,
        # the class defaults: no drop path; on the 8 x 8 grid every block
        # attends globally, with relative positions for that grid
        drop_path_rate=0.0,
        window_size=0,
        global_attn_indexes=(),
        rel_pos_grid=None,
        lang_dims=lang_dims,
        num_groups=4,
        reduction=4,
        patch_embed=dict(type='ConvStem', base_channels=16),
        # from scratch
        init_cfg=None),
    # a small BERT initialised at random with the set's vocabulary
    text_encoder=dict(
        _delete_=True,
        type='HFTextEncoder',
        config=dict(
            hidden_size=lang_dims,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=256),
        vocab_file={{_base_.vocab_file}},
        max_length=40),
    bbox_head={{_base_.vglaw_tiny_head_swap}})

train_dataloader = dict(dataset=dict(pipeline={{_base_.res_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.res_test_pipeline}}))
test_dataloader = val_dataloader

val_evaluator = {{_base_.rec_res_evaluator}}
test_evaluator = val_evaluator

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=2, max_keep_ckpts=2))
