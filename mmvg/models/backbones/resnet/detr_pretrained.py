"""An ``init_cfg`` that starts mmdet's ResNet from DETR's backbone."""
from mmengine.model.weight_init import update_init_info
from torch import nn

from mmvg.registry import WEIGHT_INITIALIZERS
from .detr_checkpoint import DETR_BACKBONE_PREFIX, load_detr_resnet


@WEIGHT_INITIALIZERS.register_module()
class DETRPretrained:
    """Load a DETR checkpoint's backbone into mmdet's ``ResNet`` strictly
    (see :func:`load_detr_resnet`), e.g.
    ``init_cfg=dict(type='DETRPretrained', checkpoint='detr-r50.pth')``.

    Args:
        checkpoint: the DETR checkpoint file.
        prefix: where the backbone sits in it.
    """

    def __init__(self,
                 checkpoint: str,
                 prefix: str = DETR_BACKBONE_PREFIX) -> None:
        self.checkpoint = checkpoint
        self.prefix = prefix

    def __call__(self, module: nn.Module) -> None:
        load_detr_resnet(module, self.checkpoint, self.prefix)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return (f'{type(self).__name__}: {self.prefix}* of '
                f'{self.checkpoint}')
