"""Mean over the tokens that are not padding."""
from torch import Tensor


def masked_mean(tokens: Tensor, padding_mask: Tensor) -> Tensor:
    """Mean over the non-padding tokens of (B, N, C) -> (B, C); a sample
    that is all padding gives zeros."""
    keep = (~padding_mask)[..., None].to(tokens)
    return (tokens * keep).sum(1) / keep.sum(1).clamp(min=1)
