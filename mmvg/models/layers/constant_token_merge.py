"""Unselected tokens replaced by one learnable constant, merged into a
single key whose attention logit carries ``log(count)``.

All replaced tokens are identical (same vector, no position), so their keys
and values are identical in every layer, and ``count`` equal logits
``s`` weigh in softmax as one logit ``s + log(count)``. Attending over the
kept tokens plus that one merged key is therefore exact and keeps standard
attention kernels, while compute follows the number of kept tokens
(ScanFormer, Su et al., CVPR 2024).
"""
from typing import NamedTuple, Optional

import torch
from torch import Tensor


class MergedTokens(NamedTuple):
    """Kept tokens gathered to the front, padded, plus the merged constant.

    Attributes:
        tokens: (B, M + 1, C): the kept tokens of each sample in their
            original order, zero-padded to M (the batch's most kept), then
            the constant token.
        key_bias: (B, M + 1) additive attention bias of those keys: 0 on
            kept tokens, -inf on padding, ``log(count)`` on the constant
            (-inf when a sample replaced nothing).
        index: (B, M) where each kept token came from (0 on padding).
        valid: (B, M) bool, True on real kept tokens.
    """
    tokens: Tensor
    key_bias: Tensor
    index: Tensor
    valid: Tensor


class MergePlan(NamedTuple):
    """Which tokens a merge keeps, before any token is computed.

    Attributes:
        index: (B, M) where each kept token comes from (0 on padding), M
            the batch's most kept.
        valid: (B, M) bool, True on real kept tokens.
        replaced: (B,) how many tokens the constant stands for.
    """
    index: Tensor
    valid: Tensor
    replaced: Tensor


def plan_merge(keep: Tensor, present: Optional[Tensor] = None) -> MergePlan:
    """The gathering of the kept tokens of (B, N) bool ``keep``, in their
    original order. Positions outside ``present`` ((B, N) bool, e.g. batch
    padding) are neither kept nor counted as replaced."""
    if present is not None:
        keep = keep & present
    counts = keep.sum(dim=1)
    most = int(counts.max()) if len(keep) else 0
    order = torch.argsort((~keep).to(torch.int8), dim=1, stable=True)
    valid = torch.arange(most, device=keep.device)[None] < counts[:, None]
    index = order[:, :most].masked_fill(~valid, 0)
    total = keep.shape[1] if present is None else present.sum(dim=1)
    return MergePlan(index, valid, total - counts)


def gather_tokens(tokens: Tensor, index: Tensor) -> Tensor:
    """Rows ``index`` (B, M) of (B, N, C) ``tokens``."""
    return tokens.gather(1, index[..., None].expand(-1, -1, tokens.shape[2]))


def assemble_merged(kept: Tensor, plan: MergePlan,
                    constant: Tensor) -> MergedTokens:
    """The merged sequence from the (B, M, C) ``kept`` tokens of ``plan``
    and the ``constant`` (C,) token."""
    batch, _, channels = kept.shape
    kept = kept * plan.valid[..., None].to(kept.dtype)
    merged = torch.cat([kept, constant.expand(batch, 1, channels)], dim=1)
    replaced = plan.replaced.to(kept.dtype)
    constant_bias = torch.where(replaced > 0,
                                replaced.clamp(min=1).log(),
                                replaced.new_tensor(float('-inf')))
    kept_bias = torch.zeros_like(kept[...,
                                      0]).masked_fill(~plan.valid,
                                                      float('-inf'))
    key_bias = torch.cat([kept_bias, constant_bias[:, None]], dim=1)
    return MergedTokens(merged, key_bias, plan.index, plan.valid)


def merge_constant_tokens(tokens: Tensor,
                          keep: Tensor,
                          constant: Tensor,
                          present: Optional[Tensor] = None) -> MergedTokens:
    """Gather the kept (B, N, C) ``tokens`` (``keep``: (B, N) bool) and
    append one ``constant`` (C,) token for the replaced ones; batched, no
    loop over samples. See :func:`plan_merge` for ``present``."""
    plan = plan_merge(keep, present)
    return assemble_merged(gather_tokens(tokens, plan.index), plan, constant)


def scatter_back(merged: MergedTokens, outputs: Tensor, num: int) -> Tensor:
    """(B, N, C) per-position outputs from (B, M + 1, C) outputs of the
    merged sequence: kept positions get their own, replaced ones the
    constant token's."""
    batch, _, channels = outputs.shape
    full = outputs[:, -1:].expand(batch, num, channels).clone()
    index = merged.index.masked_fill(~merged.valid, num)
    full = torch.cat([full, full.new_zeros(batch, 1, channels)], dim=1)
    full.scatter_(1, index[..., None].expand(-1, -1, channels),
                  outputs[:, :-1])
    return full[:, :num]
