"""mmdet's DETR decoder with one attention setting for self and cross."""
from mmdet.models.layers import DetrTransformerDecoder


def build_detr_decoder(num_layers: int, embed_dims: int, num_heads: int,
                       ffn_dims: int, dropout: float,
                       return_intermediate: bool) -> DetrTransformerDecoder:
    """A batch-first DETR decoder whose self- and cross-attention share
    ``num_heads`` and ``dropout``."""
    attn = dict(
        embed_dims=embed_dims,
        num_heads=num_heads,
        attn_drop=dropout,
        proj_drop=dropout,
        batch_first=True)
    return DetrTransformerDecoder(
        num_layers=num_layers,
        return_intermediate=return_intermediate,
        layer_cfg=dict(
            self_attn_cfg=attn,
            cross_attn_cfg=attn,
            ffn_cfg=dict(
                embed_dims=embed_dims,
                feedforward_channels=ffn_dims,
                ffn_drop=dropout)))
