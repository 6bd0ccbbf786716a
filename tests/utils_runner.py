"""A toy mmengine Runner for the unit tests of loops and hooks: a linear
model on numbered samples that records which samples it loads and trains
on."""
import uuid
from typing import List

import torch
from mmengine.dataset import pseudo_collate
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset


class NumberDataset(Dataset):
    """Sample ``i`` is the number ``i``; ``loaded`` lists each load."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.loaded: List[int] = []

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> dict:
        self.loaded.append(index)
        return dict(inputs=torch.tensor([float(index)]), index=index)


class LinearModel(BaseModel):
    """``trained`` lists the sample indices of each training batch."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)
        self.trained: List[List[int]] = []

    def forward(self, inputs, index=None, mode: str = 'tensor'):
        out = self.linear(torch.stack(inputs))
        if mode != 'loss':
            return out
        self.trained.append(list(index))
        return dict(loss=out.pow(2).mean())


def toy_runner(work_dir: str,
               size: int = 12,
               batch_size: int = 2,
               max_epochs: int = 2,
               checkpoint: dict = None,
               sampler: str = 'ResumableSampler',
               loop: str = 'ResumableEpochBasedTrainLoop',
               default_hooks: dict = None,
               **kwargs) -> Runner:
    """A Runner with the resumable loop, sampler and checkpoint hook;
    ``checkpoint`` updates the hook's config."""
    checkpoint = dict(
        dict(type='ResumableCheckpointHook', interval=1), **(checkpoint or {}))
    return Runner(
        model=LinearModel(),
        work_dir=work_dir,
        experiment_name=f'toy_{uuid.uuid4().hex}',
        train_dataloader=dict(
            dataset=NumberDataset(size),
            sampler=dict(type=sampler, shuffle=True),
            batch_size=batch_size,
            num_workers=0,
            collate_fn=pseudo_collate),
        train_cfg=dict(type=loop, max_epochs=max_epochs),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=dict(checkpoint=checkpoint, **(default_hooks or {})),
        default_scope='mmvg',
        randomness=dict(seed=0),
        **kwargs)
