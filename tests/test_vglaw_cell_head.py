"""VGLAWCellHead, the VG-LAW aids: LAP supervision, the box read at the
top pooled cell, sine positions on the visual map."""
import torch
from test_vglaw_head import D_L, INPUT, C, build_head, make_feats, make_samples

from mmvg.models.aids import VGLAWCellHead


def build_cell_head(**kwargs):
    return VGLAWCellHead(
        in_channels=C,
        lang_dims=D_L,
        pool_dims=8,
        norm_cfg=dict(type='GN', num_groups=4),
        **kwargs)


def test_pooling_auxiliary_loss_targets_the_centre_cell():
    """loss_lap = -log(weight of the cell holding the target centre)."""
    head = build_cell_head(with_res=False)
    feats = make_feats()
    losses = head.loss(feats, make_samples())
    weights = head(feats)['lap_weights'].flatten(1)
    # boxes [4 + i, 8, 20, 30] on a 4x4 grid of a 64x64 input: the centres
    # (12 + i/2, 19) lie in column 0, row 1 -> cell 4
    expected = -weights[:, 4].log().mean()
    torch.testing.assert_close(losses['loss_lap'], expected)
    assert 'loss_lap' not in build_head(with_res=False).loss(
        feats, make_samples())


def test_top_cell_readout_trains_the_target_cell_and_predicts_the_top():
    torch.manual_seed(0)
    head = build_cell_head(with_res=False)
    feats = make_feats()
    outputs = head(feats)
    cells = outputs['cell_boxes']
    assert cells.shape == (2, 16, 4)
    top = outputs['lap_weights'].flatten(1).argmax(-1)
    assert torch.equal(outputs['boxes'], cells[torch.arange(2), top])
    # every cell's box centre lies inside that cell of the 4x4 grid
    col = (cells[..., 0] * 4).floor()
    row = (cells[..., 1] * 4).floor()
    assert torch.equal(row * 4 + col, torch.arange(16.).expand(2, -1))
    losses = head.loss(feats, make_samples())
    # the centres of [4 + i, 8, 20, 30] lie in cell 4 (see above)
    target = head.gt_targets(make_samples(), cells)
    expected = head.box_losses(cells[:, 4], target)
    torch.testing.assert_close(losses['loss_bbox'], expected['loss_bbox'])
    torch.testing.assert_close(losses['loss_iou'], expected['loss_iou'])


def test_position_encoding_tells_cells_apart():
    """Identical cells pool uniformly in the paper head; with the sine
    positions the weights depend on where a cell is, padding cells staying
    at zero weight."""
    torch.manual_seed(0)
    feats = make_feats(visual=torch.ones(2, 16, C))
    plain = build_head(with_res=False)(feats)['lap_weights']
    assert torch.allclose(plain[:, :, :3],
                          torch.full_like(plain[:, :, :3], 1 / 12))
    head = build_cell_head()
    outputs = head(feats)
    weights = outputs['lap_weights']
    assert weights[:, :, :3].std() > 1e-3 and not weights[:, :, 3].any()
    # the encoding is normalised over each sample's unpadded cells
    expected = feats.visual_map() + head.position(feats.visual_mask_map())
    torch.testing.assert_close(
        outputs['mask_logits'],
        torch.nn.functional.interpolate(
            head.mask_decoder(expected, feats.sentence)[:, None],
            size=(INPUT, INPUT),
            mode='bilinear',
            align_corners=False)[:, 0])
