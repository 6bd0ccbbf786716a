"""Segment-by-segment encoding with a key/value cache: each new segment
(the text, then one pyramid scale after another) attends to itself
bidirectionally and to every earlier segment, never to later ones.

Running the segments one by one with the cache equals one pass over their
concatenation under :func:`block_causal_bias`; the cached form computes
each segment's queries once and lets a segment's size depend on what the
earlier ones decided (ScanFormer's patch selection).
"""
from typing import Callable, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

KeyValue = Tuple[Tensor, Tensor]


class SegmentKVCache:
    """Per-block keys and values of the segments encoded so far, with the
    additive key bias of their tokens (0 kept, -inf padding, ``log(count)``
    on a merged constant token).

    Args:
        num_blocks: blocks whose keys and values are kept.
    """

    def __init__(self, num_blocks: int) -> None:
        self.kv: List[Optional[KeyValue]] = [None] * num_blocks
        self.key_bias: Optional[Tensor] = None
        self.lengths: List[int] = []

    def keys_for(self, index: int, new: KeyValue,
                 new_bias: Tensor) -> Tuple[KeyValue, Tensor]:
        """Block ``index``'s cached keys/values followed by ``new`` ones,
        with the bias over all of them."""
        past = self.kv[index]
        if past is None:
            return new, new_bias
        keys = torch.cat([past[0], new[0]], dim=2)
        values = torch.cat([past[1], new[1]], dim=2)
        return (keys, values), torch.cat([self.key_bias, new_bias], dim=1)

    def append(self, index: int, new: KeyValue) -> None:
        """Add a segment's keys/values of block ``index``."""
        past = self.kv[index]
        self.kv[index] = new if past is None else (torch.cat(
            [past[0], new[0]], dim=2), torch.cat([past[1], new[1]], dim=2))

    def close_segment(self, new_bias: Tensor) -> None:
        """Record the finished segment's key bias (B, n)."""
        self.lengths.append(new_bias.shape[1])
        self.key_bias = new_bias if self.key_bias is None else torch.cat(
            [self.key_bias, new_bias], dim=1)


def cached_attention(index: int, q: Tensor, k: Tensor, v: Tensor,
                     key_bias: Tensor, cache: SegmentKVCache) -> Tensor:
    """Attention of a new segment's (B, heads, n, d) queries over block
    ``index``'s cached keys/values and its own (whose ``key_bias`` is
    (B, n)); the new keys/values are appended. Returns (B, n, C)."""
    (keys, values), bias = cache.keys_for(index, (k, v), key_bias)
    out = F.scaled_dot_product_attention(
        q, keys, values, attn_mask=bias[:, None, None].to(q.dtype))
    cache.append(index, (k, v))
    return out.transpose(1, 2).flatten(2)


def cached_block_forward(block: nn.Module, index: int, x: Tensor,
                         key_bias: Tensor, cache: SegmentKVCache) -> Tensor:
    """One pre-norm block (timm names: ``norm1``, ``attn.qkv``,
    ``attn.proj``, ``norm2``, ``mlp``) over a new segment ``x`` (B, n, C)
    whose tokens have ``key_bias`` (B, n); the segment's keys/values are
    appended to ``cache``."""
    attn = block.attn
    qkv = attn.qkv(block.norm1(x)).unflatten(-1, (3, attn.num_heads, -1))
    q, k, v = qkv.permute(2, 0, 3, 1, 4)
    out = cached_attention(index, q, k, v, key_bias, cache)
    x = x + block.drop_path(attn.proj(out))
    return x + block.drop_path(block.mlp(block.norm2(x)))


BlockForward = Callable[[nn.Module, int, Tensor, Tensor, SegmentKVCache],
                        Tensor]


def encode_segment(
        blocks: Sequence[nn.Module],
        x: Tensor,
        key_bias: Tensor,
        cache: SegmentKVCache,
        first: int = 0,
        block_forward: BlockForward = cached_block_forward) -> Tensor:
    """Run a segment through ``blocks`` (cache slots ``first``, ...) with
    ``block_forward`` (the timm block's by default) and close it in the
    cache once the last block of the cache has seen it."""
    for offset, block in enumerate(blocks):
        x = block_forward(block, first + offset, x, key_bias, cache)
    if first + len(blocks) == len(cache.kv):
        cache.close_segment(key_bias)
    return x


def block_causal_bias(key_bias: Tensor, lengths: Sequence[int]) -> Tensor:
    """(B, 1, N, N) attention bias of the concatenated segments: a query
    sees its own and earlier segments, plus each key's own bias."""
    segment = torch.repeat_interleave(
        torch.arange(len(lengths), device=key_bias.device),
        torch.as_tensor(lengths, device=key_bias.device))
    later = segment[None, :] > segment[:, None]
    causal = torch.zeros(
        later.shape, dtype=key_bias.dtype,
        device=key_bias.device).masked_fill(later, float('-inf'))
    return (causal[None] + key_bias[:, None])[:, None]
