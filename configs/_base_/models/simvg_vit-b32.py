# SimVG (NeurIPS 2024) with BEiT-3 base, patch 32, 640 x 640: the model only.
# Weights: the official BEiT-3 checkpoint and its sentencepiece model (unilm
# beit3 release) in pretrain_weights/.
img_size = 640
embed_dims = 768
head_dims = 256
num_queries = 1  # 10 for gRefCOCO
model = dict(
    type='SimVG',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        # BEiT-3 normalises images to [-1, 1]
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True,
        pad_size_divisor=32),
    backbone=dict(
        type='BEiT3',
        arch='base',
        img_size=img_size,
        patch_size=32,
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain_weights/beit3_base_patch16_224.pth')),
    tokenizer=dict(
        type='BEiT3Tokenizer',
        spm_path='pretrain_weights/beit3.spm',
        max_length=20,
        clean_text=True),
    # the query stage (mmdet's pre_decoder / forward_decoder): TQG's
    # text-guided queries, then the decoder over the visual tokens
    query_generator=dict(
        type='TextGuidedQueryGenerator',
        in_channels=embed_dims,
        num_queries=num_queries,
        embed_dims=head_dims,
        num_layers=2,
        num_heads=8,
        ffn_dims=512),
    decoder=dict(
        type='VisualQueryDecoder',
        in_channels=embed_dims,
        embed_dims=head_dims,
        num_layers=3,
        num_heads=8,
        ffn_dims=2048),
    bbox_head=dict(
        type='SimVGHead',
        in_channels=embed_dims,
        num_queries=num_queries,
        decoder_branch=dict(type='SimVGDecoderBranch', embed_dims=head_dims),
        token_branch=dict(type='SimVGTokenBranch', embed_dims=head_dims),
        distill_loss=dict(type='DWBDLoss', gt_weight=2.0, teacher_weight=1.0),
        # 'tb': the token branch alone (the decoder is not run)
        test_branch='db'))
