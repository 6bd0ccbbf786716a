# ScanFormer's scanning over SimVG's encoder: the tiny BEiT-3 multiway
# encoder of simvg_tiny_synthetic.py (width 128, 4 blocks, patch 16, its
# sentencepiece ids) scanning the 3-scale pyramid of the 128 px input as the
# tiny ViLT ScanFormer does, text tokens through the text experts and every
# scale through the vision experts. BEiT-3 reads sentencepiece ids: make
# the model first with
#   python tools/dataset_converters/make_synthetic_spm.py data/synthetic
_base_ = './scanformer_tiny_synthetic.py'

model = dict(
    tokenizer=dict(
        _delete_=True,
        type='BEiT3Tokenizer',
        spm_path={{_base_.spm_path}},
        max_length=20),
    backbone=dict(
        encoder=dict(
            _delete_=True,
            type='BEiT3',
            arch=dict(embed_dims=128, num_layers=4, num_heads=4, mlp_ratio=2.),
            img_size=128,
            patch_size=16,
            vocab_size=64,
            max_text_positions=32,
            drop_path_rate=0.,
            patch_embed=dict(
                type='ConvStem', base_channels=16, patch_local=True),
            init_cfg=[
                dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
                dict(type='Sine2DPositionInit')
            ])))
