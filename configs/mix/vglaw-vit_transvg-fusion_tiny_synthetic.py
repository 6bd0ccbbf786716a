# Mix: VG-LAW's language-adaptive ViT, then TransVG's visual-linguistic
# fusion transformer (VLFusionAdapter) and its [REG] box regression head.
# REC only. Not in any paper.
_base_ = '../synthetic/vglaw_tiny_synthetic_rec.py'

embed_dims = 128
model = dict(
    adapters=[
        dict(
            type='VLFusionAdapter',
            text_dims=128,
            fusion=dict(
                type='VLFusionTransformer',
                embed_dims=embed_dims,
                num_layers=2,
                num_heads=4,
                ffn_dims=256,
                max_text_len=40))
    ],
    bbox_head=dict(_delete_=True, type='RegTokenHead', in_channels=embed_dims))
