"""Merged constant token: attention over K identical tokens equals attention
over one token with a log(K) logit bias; batched gathering is exact."""
import math

import pytest
import torch
import torch.nn.functional as F

from mmvg.models.layers.constant_token_merge import (merge_constant_tokens,
                                                     scatter_back)


def _attend(q, k, v, bias=None):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)


@pytest.mark.parametrize('num_others', [0, 5])
@pytest.mark.parametrize('copies', [1, 7, 40])
def test_k_copies_equal_one_token_with_log_k_bias(num_others, copies):
    torch.manual_seed(copies + num_others)
    heads, dims = 2, 8
    q = torch.randn(1, heads, 3, dims)
    others_k = torch.randn(1, heads, num_others, dims)
    others_v = torch.randn(1, heads, num_others, dims)
    const_k, const_v = torch.randn(1, heads, 1,
                                   dims), torch.randn(1, heads, 1, dims)
    full = _attend(
        q, torch.cat([others_k, const_k.expand(-1, -1, copies, -1)], 2),
        torch.cat([others_v, const_v.expand(-1, -1, copies, -1)], 2))
    bias = torch.zeros(1, num_others + 1)
    bias[0, -1] = math.log(copies)
    merged = _attend(q, torch.cat([others_k, const_k], 2),
                     torch.cat([others_v, const_v], 2), bias)
    assert (full - merged).abs().max() <= 1e-5
    if copies > 1 and num_others:  # without the bias the result differs
        plain = _attend(q, torch.cat([others_k, const_k], 2),
                        torch.cat([others_v, const_v], 2))
        assert (full - plain).abs().max() > 1e-3


def test_gathering_keeps_order_pads_and_counts():
    tokens = torch.arange(2 * 5 * 1, dtype=torch.float32).view(2, 5, 1) + 1
    keep = torch.tensor([[True, False, True, True, False],
                         [False, False, False, True, False]])
    constant = torch.tensor([-1.])
    merged = merge_constant_tokens(tokens, keep, constant)
    assert merged.tokens[..., 0].tolist() == [[1., 3., 4., -1.],
                                              [9., 0., 0., -1.]]
    assert merged.index.tolist() == [[0, 2, 3], [3, 0, 0]]
    assert merged.valid.tolist() == [[True] * 3, [True, False, False]]
    inf = float('-inf')
    expected = torch.tensor([[0., 0., 0., math.log(2)],
                             [0., inf, inf, math.log(4)]])
    assert torch.equal(merged.key_bias, expected)


def test_nothing_replaced_masks_the_constant():
    merged = merge_constant_tokens(
        torch.randn(1, 3, 2), torch.ones(1, 3, dtype=torch.bool),
        torch.zeros(2))
    assert merged.key_bias.tolist() == [[0., 0., 0., float('-inf')]]


def test_scatter_back_restores_positions():
    keep = torch.tensor([[True, False, True], [False, False, True]])
    merged = merge_constant_tokens(torch.randn(2, 3, 1), keep, torch.zeros(1))
    outputs = torch.tensor([[[10.], [20.], [99.]], [[30.], [0.], [77.]]])
    full = scatter_back(merged, outputs, 3)
    assert full[..., 0].tolist() == [[10., 99., 20.], [77., 77., 30.]]


def test_batched_merge_equals_each_sample_alone():
    """Samples keeping different numbers of tokens share a batch through
    padding and key bias: attention gives each the outputs it gets alone."""
    torch.manual_seed(3)
    tokens, constant = torch.randn(3, 6, 4), torch.randn(4)
    keep = torch.tensor([[1, 1, 0, 1, 0, 1], [0, 0, 1, 0, 0, 0],
                         [1, 1, 1, 1, 1, 1]]).bool()

    def attend_merged(merged):
        x = merged.tokens[:, None]
        out = _attend(x, x, x, merged.key_bias[:, None, None])
        return scatter_back(merged, out[:, 0], 6)

    batched = attend_merged(merge_constant_tokens(tokens, keep, constant))
    for i in range(3):
        alone = attend_merged(
            merge_constant_tokens(tokens[i:i + 1], keep[i:i + 1], constant))
        torch.testing.assert_close(batched[i], alone[0], atol=1e-6, rtol=0)
    # and equal to attention over the unmerged sequence with the constant
    # written into every replaced position
    full = torch.where(keep[..., None], tokens, constant)
    x = full[:, None]
    reference = _attend(x, x, x)[:, 0]
    torch.testing.assert_close(batched, reference, atol=1e-5, rtol=0)
