# SimVG's head at the tiny synthetic width (128), with the from-scratch aids
# of mmvg/models/aids (SimVGCellHead): cell proposals as the decoder queries'
# reference boxes, a loss asking the object token to point at the target's
# cell, and the token branch refining the proposal box of the cell it points
# at. `simvg_tiny_head` builds a model's head; `simvg_tiny_head_swap` replaces
# a head inherited from another config (configs/mix/).
head_dims = 128
attn_heads = 4
simvg_tiny_head = dict(
    type='SimVGCellHead',
    in_channels=128,
    num_queries=1,
    query_generator=dict(
        type='TextGuidedQueryGenerator',
        embed_dims=head_dims,
        num_heads=attn_heads,
        ffn_dims=256,
        dropout=0.0),
    decoder_branch=dict(
        type='ReferencedDecoderBranch',
        embed_dims=head_dims,
        num_layers=2,
        num_heads=attn_heads,
        ffn_dims=256,
        dropout=0.0),
    token_branch=dict(
        type='PointingTokenBranch', embed_dims=head_dims, point_dims=64),
    proposal_head=dict(type='CellProposalHead'),
    point_weight=1.0,
    distill_loss=dict(type='DWBDLoss', gt_weight=2.0, teacher_weight=1.0),
    distill_mode='one-stage',
    test_branch='db')
simvg_tiny_head_swap = dict(simvg_tiny_head, _delete_=True)
