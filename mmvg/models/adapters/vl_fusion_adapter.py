"""TransVG's visual-linguistic fusion as a contract-to-contract step."""
from typing import Optional

from mmdet.models.layers import SinePositionalEncoding
from mmengine.model import BaseModule
from torch import nn

from mmvg.registry import MODELS
from mmvg.structures import GroundingFeatures


@MODELS.register_module()
class VLFusionAdapter(BaseModule):
    """Fuse any encoder's visual and text tokens in TransVG's
    visual-linguistic transformer; its [REG] token becomes the
    ``object_token``.

    Visual tokens get 2-D sine positions (normalised over each sample's
    unpadded cells), text tokens a linear projection to the fusion width.

    Args:
        fusion: ``VLFusionTransformer`` config.
        text_dims: width of the incoming text tokens.
        visual_dims: width of the incoming visual tokens; a linear
            projection is added when it differs from the fusion width.
    """

    def __init__(self,
                 fusion: dict,
                 text_dims: int,
                 visual_dims: Optional[int] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.transformer = MODELS.build(fusion)
        embed_dims = self.transformer.embed_dims
        self.text_proj = nn.Linear(text_dims, embed_dims)
        self.visual_proj = nn.Linear(visual_dims, embed_dims) if (
            visual_dims not in (None, embed_dims)) else nn.Identity()
        self.positional_encoding = SinePositionalEncoding(
            num_feats=embed_dims // 2, normalize=True)

    def forward(self, feats: GroundingFeatures) -> GroundingFeatures:
        """Fused visual and text tokens and the [REG] token."""
        feats.require('text', by=type(self).__name__)
        pos = self.positional_encoding(feats.visual_mask_map())
        fused = self.transformer(
            visual=self.visual_proj(feats.visual),
            visual_pos=pos.flatten(2).transpose(1, 2),
            visual_mask=feats.visual_mask,
            text=self.text_proj(feats.text),
            text_mask=feats.text_mask)
        return feats.replace(
            visual=fused['visual'],
            text=fused['text'],
            object_token=fused['reg'])
