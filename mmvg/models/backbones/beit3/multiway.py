"""Two-stream building blocks for BEiT-3's multiway transformer.

BEiT-3 runs vision tokens and text tokens through separate experts in every
linear, norm and feed-forward layer, and mixes them only inside attention.
Here the two streams travel as separate tensors (``None`` when a modality is
absent); they are concatenated only where attention needs the joint sequence.
"""
from typing import Callable, Optional, Tuple

import torch
from torch import Tensor, nn

OptTensor = Optional[Tensor]
Streams = Tuple[OptTensor, OptTensor]


class Multiway(nn.Module):
    """Expert ``A`` for vision tokens, expert ``B`` for text tokens.

    The attribute names ``A``/``B`` are those of the official checkpoints
    (torchscale's ``MultiwayNetwork``), so weights load without renaming.
    """

    def __init__(self, vision: nn.Module, text: nn.Module) -> None:
        super().__init__()
        self.A = vision
        self.B = text

    @classmethod
    def twin(cls, factory: Callable[[], nn.Module]) -> 'Multiway':
        """Two independent copies of ``factory()``, one per modality."""
        return cls(factory(), factory())

    def forward(self, vision: OptTensor, text: OptTensor) -> Streams:
        return (None if vision is None else self.A(vision),
                None if text is None else self.B(text))


def cat_streams(vision: OptTensor, text: OptTensor) -> Tensor:
    """Joint sequence ``[vision; text]`` along the token axis."""
    if vision is None or text is None:
        return text if vision is None else vision
    return torch.cat([vision, text], dim=1)


def split_streams(joint: Tensor, vision: OptTensor,
                  text: OptTensor) -> Streams:
    """Inverse of :func:`cat_streams`, shaped after the given streams."""
    num_vision = 0 if vision is None else vision.size(1)
    return (None if vision is None else joint[:, :num_vision],
            None if text is None else joint[:, num_vision:])


def drop_path_streams(vision: OptTensor, text: OptTensor, drop_prob: float,
                      training: bool) -> Streams:
    """Stochastic depth with one draw per sample shared by both streams.

    Written by hand (not mmcv's ``DropPath``) because the keep/drop decision
    must cover a sample's vision and text tokens together, as it does on the
    joint sequence in torchscale.
    """
    if drop_prob == 0. or not training:
        return vision, text
    ref = vision if vision is not None else text
    keep_prob = 1. - drop_prob
    keep = torch.rand((ref.size(0), 1, 1), dtype=ref.dtype,
                      device=ref.device).add_(keep_prob).floor_()
    scale = keep / keep_prob
    return (None if vision is None else vision * scale,
            None if text is None else text * scale)
