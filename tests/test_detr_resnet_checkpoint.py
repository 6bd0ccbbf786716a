"""DETR's released ResNet-50 loads strictly into mmdet's ResNet."""
import pytest
import torch
from mmdet.models.backbones import ResNet
from mmengine.registry import DefaultScope

from mmvg.models.backbones import load_detr_resnet
from mmvg.registry import MODELS

#: Tensors of other DETR parts that the loader must leave alone.
DETR_OTHERS = ('transformer.encoder.layers.0.linear1.weight',
               'class_embed.weight', 'query_embed.weight', 'input_proj.weight')


def random_resnet50(seed):
    """mmdet's ResNet-50 (eval mode) with random weights and BN
    statistics."""
    torch.manual_seed(seed)
    model = ResNet(depth=50, style='pytorch')
    model.eval()
    with torch.no_grad():
        for name, buffer in model.named_buffers():
            if name.endswith('running_mean'):
                buffer.normal_()
            elif name.endswith('running_var'):
                buffer.uniform_(0.5, 2.0)
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.normal_(1.0, 0.1)
                module.bias.normal_(0.0, 0.1)
    return model


def torchvision_resnet50_names():
    """The tensors of torchvision's ResNet-50 body (DETR's backbone, no
    ``fc``), enumerated from its layout: stem ``conv1``/``bn1``; stages of
    3, 4, 6, 3 bottlenecks with ``conv{1,2,3}``/``bn{1,2,3}``; the first
    block of a stage has ``downsample.0`` (conv) and ``.1`` (BN)."""
    bn = ('weight', 'bias', 'running_mean', 'running_var')
    names = ['conv1.weight'] + [f'bn1.{t}' for t in bn]
    for stage, blocks in enumerate((3, 4, 6, 3), start=1):
        for block in range(blocks):
            layers = [f'conv{k}' for k in (1, 2, 3)]
            norms = [f'bn{k}' for k in (1, 2, 3)]
            if block == 0:
                layers.append('downsample.0')
                norms.append('downsample.1')
            prefix = f'layer{stage}.{block}.'
            names += [prefix + f'{layer}.weight' for layer in layers]
            names += [prefix + f'{norm}.{t}' for norm in norms for t in bn]
    return names


def detr_state_dict(model):
    """A DETR-format state dict of ``model``'s weights under torchvision's
    names: FrozenBatchNorm2d keeps no ``num_batches_tracked``; other DETR
    parts come along."""
    source = model.state_dict()
    state = {
        'backbone.0.body.' + name: source[name].clone()
        for name in torchvision_resnet50_names()
    }
    state.update({key: torch.zeros(4, 4) for key in DETR_OTHERS})
    return state


def test_loads_without_missing_keys_and_computes_the_same(tmp_path):
    source = random_resnet50(seed=0)
    state = detr_state_dict(source)
    counters = [k for k in source.state_dict() if 'num_batches' in k]
    assert len(state) == (
        len(source.state_dict()) - len(counters) + len(DETR_OTHERS))
    target = random_resnet50(seed=1)
    load_detr_resnet(target, state)
    for key, value in source.state_dict().items():
        torch.testing.assert_close(target.state_dict()[key], value)
    image = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        for out, expected in zip(target(image), source(image)):
            torch.testing.assert_close(out, expected)
    # from a checkpoint file as DETR saves it, through an init_cfg
    path = tmp_path / 'detr-r50.pth'
    torch.save(dict(model=state, args=None), path)
    with DefaultScope.overwrite_default_scope('mmvg'):
        built = MODELS.build(
            dict(
                type='ResNet',
                depth=50,
                init_cfg=dict(type='DETRPretrained', checkpoint=str(path))))
        built.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(built.state_dict()[key], value)


def test_missing_and_unexpected_keys_are_named():
    state = detr_state_dict(random_resnet50(seed=0))
    del state['backbone.0.body.layer2.1.bn2.running_var']
    with pytest.raises(
            KeyError, match=r'missing keys: layer2\.1\.bn2\.'
            r'running_var'):
        load_detr_resnet(random_resnet50(seed=1), state)
    state = detr_state_dict(random_resnet50(seed=0))
    state['backbone.0.body.fc.weight'] = torch.zeros(1000, 2048)
    with pytest.raises(KeyError, match=r'unexpected keys: fc\.weight'):
        load_detr_resnet(random_resnet50(seed=1), state)
    state = detr_state_dict(random_resnet50(seed=0))
    state['backbone.0.body.conv1.weight'] = torch.zeros(64, 3, 3, 3)
    with pytest.raises(RuntimeError, match='conv1.weight'):
        load_detr_resnet(random_resnet50(seed=1), state)


def test_refuses_other_layouts_and_files():
    state = detr_state_dict(random_resnet50(seed=0))
    with pytest.raises(ValueError, match="style='pytorch'"):
        load_detr_resnet(ResNet(depth=50, style='caffe'), state)
    with pytest.raises(KeyError, match='no key starts with'):
        load_detr_resnet(ResNet(depth=50), {'conv1.weight': torch.zeros(1)})
