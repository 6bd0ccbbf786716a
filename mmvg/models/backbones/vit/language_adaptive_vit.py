"""VG-LAW's language-adaptive ViT: qkv weights generated per expression."""
from functools import partial
from typing import List, Optional, Tuple

from torch import Tensor

from mmvg.models.layers.language_adaptive_weights import \
    LanguageAdaptiveWeights
from mmvg.registry import MODELS
from .vision_transformer import VisionTransformer


@MODELS.register_module()
class LanguageAdaptiveViT(VisionTransformer):
    """A :class:`VisionTransformer` whose blocks use language-adaptive qkv.

    Block i projects its tokens with ``W0_i + P Phi_i(h1_i) Q^T`` (see
    :class:`LanguageAdaptiveWeights`), W0_i being the block's ordinary
    ``attn.qkv`` weight. It loads the same checkpoints as the plain ViT
    (W0 = the file's qkv weights); the generator's parameters (``law.*``)
    are new and, with Phi at zero, the model starts equal to the plain ViT.

    Args:
        lang_dims: language feature channels d_l.
        num_groups: token-aggregation groups G.
        reduction: r in d_h = d_l / r.
        dynamic_dims: d_w, side of the dynamic core.
        **kwargs: :class:`VisionTransformer` arguments.
    """

    def __init__(self,
                 lang_dims: int = 768,
                 num_groups: int = 12,
                 reduction: int = 16,
                 dynamic_dims: int = 32,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.law = LanguageAdaptiveWeights(
            num_layers=len(self.blocks),
            in_dims=self.embed_dims,
            out_dims=3 * self.embed_dims,
            lang_dims=lang_dims,
            num_groups=num_groups,
            reduction=reduction,
            dynamic_dims=dynamic_dims)

    def new_param_patterns(self) -> List[str]:
        """The generator is never part of a ViT checkpoint."""
        return super().new_param_patterns() + [r'^law\.']

    def init_weights(self) -> None:
        """Initialise or load the ViT; the generator gets its own init."""
        super().init_weights()
        self.law.reset_parameters()

    def forward(
        self,
        img: Tensor,
        lang_feats: Tensor,
        lang_padding_mask: Optional[Tensor] = None
    ) -> Tuple[Tensor, Optional[Tensor]]:
        """Encode images with weights adapted to their expressions.

        Args:
            img: (B, 3, H, W) images.
            lang_feats: (B, L, d_l) features of each image's expression.
            lang_padding_mask: (B, L) bool, True at padding tokens.

        Returns:
            ``(feat_map, cls_feat)`` as :class:`VisionTransformer`.
        """
        if lang_feats.shape[0] != img.shape[0]:
            raise ValueError(f'{img.shape[0]} images but '
                             f'{lang_feats.shape[0]} expressions.')
        cores = self.law(lang_feats, lang_padding_mask)
        adapters = [
            partial(self.law.add_qkv_delta, cores=cores[:, i])
            for i in range(len(self.blocks))
        ]
        return self.forward_features(img, adapters)
