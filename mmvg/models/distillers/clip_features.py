"""CLIPFeatures: what the CLIP teacher hands to the distillation losses."""
from dataclasses import dataclass
from typing import Tuple

from torch import Tensor


@dataclass
class CLIPFeatures:
    """CLIP's embeddings of a batch, all in CLIP's joint (projected) space.

    Args:
        patches: patch embeddings (B, h*w, D), row-major over ``grid``:
            each patch token through ``post_layernorm`` and
            ``visual_projection``, as CLIP treats its [CLS] token.
        grid: (h, w) patch grid; it covers the whole (padded) input.
        image: image embedding (B, D), ``CLIPModel.get_image_features``.
        tokens: token embeddings (B, L, D): the text tower's last states
            (after ``final_layer_norm``) through ``text_projection``.
        token_mask: (B, L) bool, True on padding tokens.
        text: text embedding (B, D), ``CLIPModel.get_text_features`` (the
            end-of-text token of ``tokens``).
    """

    patches: Tensor
    grid: Tuple[int, int]
    image: Tensor
    tokens: Tensor
    token_mask: Tensor
    text: Tensor
