"""Cached segment-by-segment encoding equals one pass over the concatenated
segments with the block-causal mask (ScanFormer's cross-scale attention)."""
import math

import pytest
import torch

from mmvg.models.backbones.vit.block import Block
from mmvg.models.layers.segment_kv_cache import (SegmentKVCache,
                                                 block_causal_bias,
                                                 encode_segment)


def _segments():
    torch.manual_seed(0)
    lengths = [5, 4, 7]  # text, scale 1, scale 2 (with a merged constant)
    xs = [torch.randn(2, n, 16) for n in lengths]
    biases = [torch.zeros(2, n) for n in lengths]
    biases[0][1, 3:] = float('-inf')  # text padding of sample 1
    biases[2][0, 4:6] = float('-inf')  # scale 2 keeps fewer patches
    biases[2][:, 6] = math.log(9.0)  # the merged constant token
    return xs, biases, lengths


@pytest.mark.parametrize('split', [None, 2])
def test_cached_segments_equal_block_causal_full_pass(split):
    torch.manual_seed(1)
    blocks = [Block(16, 4, mlp_ratio=2.0).eval() for _ in range(3)]
    xs, biases, lengths = _segments()
    cache = SegmentKVCache(len(blocks))
    cached = []
    with torch.no_grad():
        for x, bias in zip(xs, biases):
            if split is None:
                cached.append(encode_segment(blocks, x, bias, cache))
            else:  # Encoder1 then Encoder2, as a scale is encoded
                mid = encode_segment(blocks[:split], x, bias, cache)
                cached.append(
                    encode_segment(blocks[split:], mid, bias, cache, split))
        full = torch.cat(xs, dim=1)
        mask = block_causal_bias(torch.cat(biases, dim=1), lengths)
        for block in blocks:
            full = block(full, (1, full.shape[1]), attn_bias=mask)
    assert cache.lengths == lengths
    diff = (torch.cat(cached, dim=1) - full).abs().max()
    assert diff <= 1e-5
    # the causal part matters: full attention over all segments differs
    with torch.no_grad():
        unmasked = torch.cat(xs, dim=1)
        for block in blocks:
            unmasked = block(
                unmasked, (1, unmasked.shape[1]),
                attn_bias=torch.cat(biases, dim=1)[:, None, None])
    assert (unmasked[:, :5] - full[:, :5]).abs().max() > 1e-3


def test_block_causal_bias_by_hand():
    key_bias = torch.tensor([[0., float('-inf'), 0., 1.]])
    bias = block_causal_bias(key_bias, [2, 2])[0, 0]
    inf = float('-inf')
    assert bias.tolist() == [[0., inf, inf, inf], [0., inf, inf, inf],
                             [0., inf, 0., 1.], [0., inf, 0., 1.]]
