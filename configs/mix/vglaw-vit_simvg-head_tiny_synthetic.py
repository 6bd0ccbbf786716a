# Mix: VG-LAW's language-adaptive ViT (expression-generated attention
# weights) under SimVG's head (TQG, decoder and token branches, DWBD). The
# ViT has no object token: the masked mean of its expression-aware visual
# tokens stands in for it (PooledVectors); TQG reads the BERT tokens. REC
# only. Not in any paper.
_base_ = [
    '../synthetic/vglaw_tiny_synthetic_rec.py',
    '../synthetic/_base_/simvg_tiny_head.py'
]

model = dict(
    adapters=[dict(type='PooledVectors', object_token='visual_mean')],
    query_generator={{_base_.simvg_tiny_queries.query_generator}},
    decoder={{_base_.simvg_tiny_queries.decoder}},
    bbox_head={{_base_.simvg_tiny_swap.bbox_head}})
