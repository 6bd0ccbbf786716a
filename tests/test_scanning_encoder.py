"""ScanningEncoder over ViLT and BEiT-3: merged inference equals the
every-patch path, batches of samples keeping different patch counts equal
each sample alone, gates train through the straight-through estimator,
batch padding is never read, early exit stops the scan."""
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

BEIT3 = dict(
    type='BEiT3',
    arch=dict(embed_dims=32, num_layers=4, num_heads=4, mlp_ratio=2.0),
    img_size=64,
    patch_size=16,
    vocab_size=50,
    max_text_positions=16)
ENCODERS = pytest.mark.parametrize(
    'encoder', [VILT, BEIT3], ids=['vilt', 'beit3'])


def _build(encoder=VILT, **kwargs):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='ScanningEncoder',
            encoder=encoder,
            selector=dict(type='PatchSelector', init_bias=0.0),
            **kwargs))
    model.encoder.init_weights()
    return model


def _inputs(batch=3):
    torch.manual_seed(1)
    ids = torch.randint(1, 50, (batch, 6))
    mask = torch.zeros(batch, 6, dtype=torch.bool)
    mask[0, 4:] = True
    return torch.randn(batch, 3, 128, 128), ids, mask


@ENCODERS
def test_merged_inference_equals_every_patch_path(encoder):
    model = _build(encoder).eval()
    img, ids, mask = _inputs()
    with torch.no_grad():
        merged = model(img, ids, mask)
        model.merge_dropped = False
        full = model(img, ids, mask)
    assert [g.shape[1] for g in merged['gates']] == [4, 16, 64]
    # a patch is read exactly when its score (0 where the parent was not
    # read) passes the selector's threshold
    for gates, scores in zip(merged['gates'][1:], merged['scores'][1:]):
        assert torch.equal(gates, (scores > 0.5).float())
    assert torch.equal(merged['scores'][0], torch.ones(3, 4))
    assert merged['grids'] == [(2, 2), (4, 4), (8, 8)]
    for gates in merged['gates'][1:]:  # some patches read, some dropped
        assert 0 < gates.sum() < gates.numel()
    for a, b in zip(merged['gates'], full['gates']):
        assert torch.equal(a, b)
    assert (merged['reg'] - full['reg']).abs().max() <= 1e-5


@ENCODERS
def test_batch_with_different_patch_counts_equals_each_alone(encoder):
    model = _build(encoder).eval()
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


@ENCODERS
def test_gates_learn_through_straight_through_estimator(encoder):
    model = _build(encoder).train()
    img, ids, mask = _inputs(2)
    out = model(img, ids, mask)
    assert out['reg'].shape == (2, 3, 32)
    # a weighted sum: the plain sum of a LayerNorm output with unit
    # weights is constant
    (out['reg'][:, -1] * torch.randn(2, 32)).sum().backward()
    assert model.selectors[0].score.weight.grad.abs().sum() > 0
    assert model.constant_token.grad.abs().sum() > 0


def test_bad_sizes_and_split_are_refused():
    model = _build()
    img, ids, mask = _inputs(1)
    with pytest.raises(ValueError, match='input 96x96 is not divisible by 4'):
        model(img[..., :96, :96], ids, mask)
    with pytest.raises(ValueError, match='split must leave blocks'):
        _build(split=4)


def test_beit3_text_segment_equals_beit3_text_encoding():
    """The text, encoded alone through the cache with the text experts,
    is what BEiT-3 computes for a text-only input."""
    model = _build(BEIT3).eval()
    _, ids, mask = _inputs()
    with torch.no_grad():
        out = model(torch.randn(3, 3, 64, 64), ids, mask)
        reference = model.encoder(text_ids=ids, text_padding_mask=mask)
    diff = (out['text'] - reference['text'])[~mask].abs().max()
    assert diff <= 1e-5


def test_unscannable_encoder_is_named():
    with pytest.raises(
            TypeError, match='VisionTransformer cannot be '
            'scanned.*BEiT3.*ViLT'):
        MODELS.build(
            dict(
                type='ScanningEncoder',
                encoder=dict(
                    type='VisionTransformer',
                    embed_dims=32,
                    num_layers=2,
                    num_heads=2)))


@pytest.mark.parametrize('merge', [True, False])
def test_batch_padding_is_never_read(merge):
    """Padded patches are neither read nor merged into the constant's
    count: with one scale (no resizing) the padding pixels do not change
    the output, and no scale's gate is set on padding."""
    model = _build(num_scales=1, merge_dropped=merge).eval()
    img, ids, mask = _inputs()
    shapes = [(64, 128), (128, 128), (128, 64)]
    other = img.clone()
    other[0, :, 64:] = 5.0
    other[2, :, :, 64:] = -5.0
    with torch.no_grad():
        out = model(img, ids, mask, img_shapes=shapes)
        changed = model(other, ids, mask, img_shapes=shapes)
    assert (out['reg'] - changed['reg']).abs().max() <= 1e-5
    assert out['present'][0].sum(dim=1).tolist() == [32, 64, 32]
    assert torch.equal(out['gates'][0], out['present'][0].float())
    scanning = _build().eval()
    with torch.no_grad():
        scanned = scanning(img, ids, mask, img_shapes=shapes)
    for gates, present in zip(scanned['gates'], scanned['present']):
        assert not gates[~present].any()


def test_early_exit_stops_samples_and_the_scan():
    model = _build().eval()
    img, ids, mask = _inputs()
    calls = []

    def first_sample_exits(scale, reg, patches, grid, read):
        assert patches.shape == (3, grid[0] * grid[1], 32)
        calls.append(scale)
        return torch.tensor([True, False, False])

    with torch.no_grad():
        out = model(img, ids, mask, exit_rule=first_sample_exits)
        full = model(img, ids, mask)
    # the others stop where they stop without the rule
    assert out['exit_scale'].tolist() == [0] + full['exit_scale'][1:].tolist()
    assert calls == [0, 1]
    assert out['gates'][1][0].sum() == 0 and out['gates'][2][0].sum() == 0
    # the others scan on as before; the exited one no longer reads patches
    assert (out['reg'][1:] - full['reg'][1:]).abs().max() <= 1e-5
    with torch.no_grad():
        stopped = model(
            img,
            ids,
            mask,
            exit_rule=lambda *args: torch.ones(3, dtype=torch.bool))
    assert stopped['reg'].shape[1] == 1 and len(stopped['gates']) == 1
    assert stopped['exit_scale'].tolist() == [0, 0, 0]


def test_a_sample_reading_nothing_stops_at_the_previous_scale():
    model = _build().eval()
    img, ids, mask = _inputs()
    with torch.no_grad():
        for selector in model.selectors:  # everything read
            selector.score.bias.fill_(1e4)
        assert model(img, ids, mask)['exit_scale'].tolist() == [2, 2, 2]
        model.selectors[1].score.bias.fill_(-1e4)  # scale 1 selects nothing
        assert model(img, ids, mask)['exit_scale'].tolist() == [1, 1, 1]
        model.selectors[0].score.bias.fill_(-1e4)
        out = model(img, ids, mask)
    assert out['exit_scale'].tolist() == [0, 0, 0]
    assert out['gates'][1].sum() == 0 and out['gates'][2].sum() == 0
    model.train()  # training always runs every scale
    assert model(img, ids, mask)['exit_scale'].tolist() == [2, 2, 2]


@pytest.mark.parametrize(
    'patch_embed', [
        None,
        dict(type='ConvStem', base_channels=4, patch_local=True),
        dict(type='ConvStem', base_channels=4)
    ],
    ids=['patchify', 'local-stem', 'stem'])
def test_embedding_only_the_read_patches(patch_embed):
    """Embedding the patches of ``index`` equals embedding all and
    gathering; a patch-local projection runs on those patches alone."""
    from mmvg.models.backbones.scanning.scan_ops import is_patch_local
    model = _build(dict(VILT, patch_embed=patch_embed)).eval()
    ops = model.ops
    img = torch.randn(2, 3, 64, 96)
    index = torch.tensor([[0, 5, 7], [23, 1, 0]])
    with torch.no_grad():
        full = ops.embed_patches(img, None)
        picked = ops.embed_patches(img, None, index)
    assert full.shape == (2, 24, 32)
    expected = torch.stack([full[0, [0, 5, 7]], full[1, [23, 1, 0]]])
    assert (picked - expected).abs().max() <= 1e-5
    assert is_patch_local(ops.patch_proj,
                          16) is (patch_embed is None
                                  or 'patch_local' in patch_embed)
