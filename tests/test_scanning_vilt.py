"""ScanningViLT: merged inference equals the every-patch path, batches of
samples keeping different patch counts equal each sample alone, gates
train through the straight-through estimator."""
import pytest
import torch

from mmvg.registry import MODELS

VILT = dict(
    type='ViLT',
    vocab_size=50,
    max_text_len=8,
    img_size=64,
    patch_size=16,
    embed_dims=32,
    num_layers=4,
    num_heads=4,
    mlp_ratio=2.0)


def _build(**kwargs):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='ScanningViLT',
            vilt=VILT,
            selector=dict(type='PatchSelector', init_bias=0.0),
            **kwargs))
    model.vilt.init_weights()
    return model


def _inputs(batch=3):
    torch.manual_seed(1)
    ids = torch.randint(1, 50, (batch, 6))
    mask = torch.zeros(batch, 6, dtype=torch.bool)
    mask[0, 4:] = True
    return torch.randn(batch, 3, 128, 128), ids, mask


def test_merged_inference_equals_every_patch_path():
    model = _build().eval()
    img, ids, mask = _inputs()
    with torch.no_grad():
        merged = model(img, ids, mask)
        model.merge_dropped = False
        full = model(img, ids, mask)
    assert [g.shape[1] for g in merged['gates']] == [4, 16, 64]
    assert merged['grids'] == [(2, 2), (4, 4), (8, 8)]
    for gates in merged['gates'][1:]:  # some patches read, some dropped
        assert 0 < gates.sum() < gates.numel()
    for a, b in zip(merged['gates'], full['gates']):
        assert torch.equal(a, b)
    assert (merged['reg'] - full['reg']).abs().max() <= 1e-5


def test_batch_with_different_patch_counts_equals_each_alone():
    model = _build().eval()
    img, ids, mask = _inputs()
    with torch.no_grad():
        batched = model(img, ids, mask)
        kept = batched['gates'][2].sum(dim=1)
        assert len(set(kept.tolist())) > 1  # the samples keep different counts
        for i in range(3):
            alone = model(img[i:i + 1], ids[i:i + 1], mask[i:i + 1])
            assert torch.equal(alone['gates'][2][0], batched['gates'][2][i])
            diff = (alone['reg'][0] - batched['reg'][i]).abs().max()
            assert diff <= 1e-5


def test_gates_learn_through_straight_through_estimator():
    model = _build().train()
    img, ids, mask = _inputs(2)
    out = model(img, ids, mask)
    assert out['reg'].shape == (2, 3, 32)
    out['reg'][:, -1].sum().backward()
    assert model.selectors[0].score.weight.grad.abs().sum() > 0
    assert model.constant_token.grad.abs().sum() > 0


def test_bad_sizes_and_split_are_refused():
    model = _build()
    img, ids, mask = _inputs(1)
    with pytest.raises(ValueError, match='input 96x96 is not divisible by 4'):
        model(img[..., :96, :96], ids, mask)
    with pytest.raises(ValueError, match='split must leave blocks'):
        _build(split=4)
