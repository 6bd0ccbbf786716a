"""Start BEiT-3's learned patch positions from a 2-D sine encoding."""
import torch
from mmdet.models.layers import SinePositionalEncoding
from mmengine.model.weight_init import BaseInit, update_init_info
from torch import nn

from mmvg.models.backbones.beit3.embeddings import MultiwayPositionEmbedding
from mmvg.models.backbones.vit import VisionTransformer
from mmvg.registry import WEIGHT_INITIALIZERS


@WEIGHT_INITIALIZERS.register_module()
class Sine2DPositionInit(BaseInit):
    """Write DETR's 2-D sine encoding of the stored grid into the patch rows
    of every BEiT-3 vision position table and ViT ``pos_embed`` (ViLT's
    too; they stay learned).

    For small models trained from scratch: neighbouring patches start
    close, which such a model uses at once, while the default N(0, 1) rows
    carry no locality. Not in BEiT-3; named in a backbone's ``init_cfg``
    list after its usual initialiser, e.g.
    ``init_cfg=[dict(type='TruncNormal', layer='Linear', std=0.02),
    dict(type='Sine2DPositionInit')]``.
    """

    @torch.no_grad()
    def __call__(self, module: nn.Module) -> None:
        tables = [
            m for m in module.modules()
            if isinstance(m, (MultiwayPositionEmbedding, VisionTransformer))
        ]
        if not tables:
            raise TypeError(f'Sine2DPositionInit found no BEiT-3 or ViT '
                            f'position table in {type(module).__name__}.')
        for table in tables:
            if isinstance(table, VisionTransformer):
                rows = table.pos_embed[0]
                grid = (table.pos_grid, table.pos_grid)
                start = 1  # the stored table starts with the [CLS] row
            else:
                rows = table.A.weight
                grid = table.grid_hw
                start = table.offset + 1
            sine = SinePositionalEncoding(
                num_feats=rows.shape[1] // 2, normalize=True)(
                    rows.new_zeros((1, *grid), dtype=torch.bool))
            rows[start:] = sine.flatten(2)[0].t()
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: 2-D sine patch positions'
