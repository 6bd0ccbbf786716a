# Mix: the TransVG encoder (ResNet + BERT + visual-linguistic fusion) under
# SimVG's head (TQG, decoder and token branches, DWBD). The fused [REG]
# token is the object token SimVG's token branch reads, the fused text
# tokens feed its query generator. Not in any paper.
_base_ = [
    '../synthetic/transvg_tiny_synthetic.py',
    '../synthetic/_base_/simvg_tiny_head.py'
]

model = dict(
    query_generator={{_base_.simvg_tiny_queries.query_generator}},
    decoder={{_base_.simvg_tiny_queries.decoder}},
    bbox_head={{_base_.simvg_tiny_swap.bbox_head}})
