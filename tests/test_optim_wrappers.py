"""AutocastOptimWrapper runs the forward pass in bfloat16 on the CPU."""
import torch
from torch import nn

from mmvg.registry import OPTIM_WRAPPERS


def test_autocast_context_and_step():
    model = nn.Linear(4, 2)
    wrapper = OPTIM_WRAPPERS.build(
        dict(
            type='AutocastOptimWrapper',
            device_type='cpu',
            dtype='bfloat16',
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        out = model(torch.ones(3, 4))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().sum())
    assert not torch.equal(before, model.weight)
    assert model.weight.dtype == torch.float32
    assert model(torch.ones(1, 4)).dtype == torch.float32
