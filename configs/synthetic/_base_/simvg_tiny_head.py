# SimVG's query stage and head at the tiny synthetic width (128), with the
# from-scratch aids of mmvg/models/aids: cell proposals as the decoder
# queries' reference boxes (CellProposalQueryGenerator around TQG,
# ReferencedQueryDecoder), a loss asking the object token to point at the
# target's cell, and the token branch refining the proposal box of the cell
# it points at (SimVGCellHead). `simvg_tiny_queries` holds the model's
# query_generator, decoder and bbox_head; `simvg_tiny_swap` replaces those
# of a model inherited from another config (configs/mix/).
tiny_dims = 128
tiny_heads = 4
simvg_tiny_queries = dict(
    query_generator=dict(
        type='CellProposalQueryGenerator',
        in_channels=128,
        query_generator=dict(
            type='TextGuidedQueryGenerator',
            in_channels=128,
            num_queries=1,
            embed_dims=tiny_dims,
            num_heads=tiny_heads,
            ffn_dims=256,
            dropout=0.0),
        proposals=dict(type='CellProposals')),
    decoder=dict(
        type='ReferencedQueryDecoder',
        in_channels=128,
        embed_dims=tiny_dims,
        num_layers=2,
        num_heads=tiny_heads,
        ffn_dims=256,
        dropout=0.0),
    bbox_head=dict(
        type='SimVGCellHead',
        in_channels=128,
        num_queries=1,
        decoder_branch=dict(
            type='ReferencedDecoderBranch', embed_dims=tiny_dims),
        token_branch=dict(
            type='PointingTokenBranch', embed_dims=tiny_dims, point_dims=64),
        proposal_loss=dict(type='CellProposalLoss'),
        point_weight=1.0,
        distill_loss=dict(type='DWBDLoss', gt_weight=2.0, teacher_weight=1.0),
        test_branch='db'))
simvg_tiny_swap = {
    key: dict(value, _delete_=True)
    for key, value in simvg_tiny_queries.items()
}
