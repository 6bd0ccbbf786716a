"""Strict loading of DETR's released ResNet backbone into mmdet's ResNet.

DETR (facebookresearch/detr) saves ``{'model': state_dict, ...}``; its
backbone is torchvision's ResNet body under ``backbone.0.body.``
(``conv1.weight``, ``bn1.*``, ``layer1.0.conv1.weight``,
``layer1.0.downsample.{0,1}.*``, ...), with ``FrozenBatchNorm2d`` layers that
keep ``weight``, ``bias``, ``running_mean`` and ``running_var`` but no
``num_batches_tracked``. mmdet's ``ResNet`` with ``style='pytorch'`` (the
stride on the 3x3 conv, as torchvision), no deep stem and no average-pool
shortcut uses the same names and the same computation, so the mapping drops
the prefix; DETR's transformer, heads and input projection are left out.
"""
from typing import Dict, Union

from mmdet.models.backbones import ResNet
from mmengine.logging import print_log
from torch import Tensor

from ..beit3.checkpoint import load_state_dict_strict
from ..vit.checkpoint import read_state_dict

DETR_BACKBONE_PREFIX = 'backbone.0.body.'
NUM_BATCHES_TRACKED = 'num_batches_tracked'


def detr_to_mmdet_resnet(
        state: Dict[str, Tensor],
        prefix: str = DETR_BACKBONE_PREFIX) -> Dict[str, Tensor]:
    """The tensors under ``prefix`` of a DETR state dict, named as in mmdet's
    ``ResNet``."""
    weights = {
        key[len(prefix):]: value
        for key, value in state.items() if key.startswith(prefix)
    }
    if not weights:
        shown = ', '.join(list(state)[:5])
        raise KeyError(f'no key starts with {prefix!r} (is this a DETR '
                       f'checkpoint?); its first keys: {shown}')
    return weights


def check_torchvision_layout(model: ResNet) -> None:
    """Refuse ResNets whose weights would load but compute otherwise, or
    whose names differ from torchvision's."""
    if not isinstance(model, ResNet):
        raise TypeError(f'DETR backbones load into mmdet ResNet, not '
                        f'{type(model).__name__}.')
    if model.style != 'pytorch' or model.deep_stem or model.avg_down:
        raise ValueError(
            "DETR's ResNet is torchvision's: build mmdet's ResNet with "
            "style='pytorch', deep_stem=False and avg_down=False (got "
            f'style={model.style!r}, deep_stem={model.deep_stem}, '
            f'avg_down={model.avg_down}).')


def load_detr_resnet(model: ResNet,
                     checkpoint: Union[str, Dict[str, Tensor]],
                     prefix: str = DETR_BACKBONE_PREFIX) -> None:
    """Load DETR's backbone (a checkpoint file, or its state dict) into
    ``model`` strictly: a missing or unexpected backbone key, or a shape
    clash, fails with the key named. The batch counters that
    ``FrozenBatchNorm2d`` does not keep stay the model's own."""
    check_torchvision_layout(model)
    source = checkpoint if isinstance(checkpoint, str) else 'state dict'
    state = read_state_dict(checkpoint) if isinstance(checkpoint,
                                                      str) else checkpoint
    weights = detr_to_mmdet_resnet(state, prefix)
    for key, value in model.state_dict().items():
        if key.endswith(NUM_BATCHES_TRACKED) and key not in weights:
            weights[key] = value
    load_state_dict_strict(model, weights, source)
    print_log(
        f'Loaded the ResNet of DETR ({prefix}*) from {source}.',
        logger='current')
