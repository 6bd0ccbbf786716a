"""ScanFormer's patch selection: each patch of a scale decides whether its
children at the next (finer) scale are read.

Training keeps the decision differentiable with a straight-through
Gumbel-sigmoid: the forward value is a hard 0/1 gate, the gradient that of
the soft sigmoid. The gate acts on the input, as the paper prescribes: a
child enters as ``gate * patch + (1 - gate) * constant``, so a dropped child
is exactly the learnable constant token (and, at inference, merged into
one, see :mod:`constant_token_merge`). Inference keeps the children of
patches above a threshold, or of a top ratio of patches.
"""
from typing import NamedTuple, Optional

import torch
from torch import Tensor, nn

from mmvg.registry import MODELS


class _StraightThrough(torch.autograd.Function):
    """Forward the hard gate exactly, backward the soft gate's gradient
    (``hard + soft - soft.detach()`` would be off by rounding)."""

    @staticmethod
    def forward(ctx, soft: Tensor, hard: Tensor) -> Tensor:
        return hard

    @staticmethod
    def backward(ctx, grad: Tensor):
        return grad, None


def expand_to_children(parent: Tensor, grid: tuple, factor: int) -> Tensor:
    """(B, h*w) per-patch values -> (B, (h*factor)*(w*factor)) values of
    their children, row-major at the finer grid."""
    batch = parent.shape[0]
    values = parent.reshape(batch, *grid)
    values = values.repeat_interleave(factor, dim=1)
    return values.repeat_interleave(factor, dim=2).flatten(1)


class Selection(NamedTuple):
    """A selector's decision over (B, N) patches: ``gates`` the hard 0/1
    values (in training with the soft gate's gradient), ``scores`` the
    noise-free probability of reading each patch's children, for losses
    that supervise the selection itself."""

    gates: Tensor
    scores: Tensor


@MODELS.register_module()
class PatchSelector(nn.Module):
    """Predict from a scale's patch features which children to read.

    Args:
        embed_dims: channels of the patch features.
        tau: Gumbel-sigmoid temperature in training.
        threshold: inference keeps patches whose probability exceeds it.
        keep_ratio: if set, inference keeps this share of each sample's
            patches instead (the top-scoring ones; at least one).
        init_bias: initial logit, so that training starts keeping most
            patches (sigmoid(2) = 0.88).

    Attributes:
        read_all: in training, make every hard gate 1 (the soft gates keep
            their gradient), so that finer scales learn from whole images
            while the selection learns; set by ``SelectionWarmupHook``.
    """

    def __init__(self,
                 embed_dims: int,
                 tau: float = 1.0,
                 threshold: float = 0.5,
                 keep_ratio: Optional[float] = None,
                 init_bias: float = 2.0) -> None:
        super().__init__()
        if keep_ratio is not None and not 0 < keep_ratio <= 1:
            raise ValueError(f'keep_ratio must be in (0, 1], got {keep_ratio}')
        self.tau = tau
        self.threshold = threshold
        self.keep_ratio = keep_ratio
        self.score = nn.Linear(embed_dims, 1)
        nn.init.constant_(self.score.bias, init_bias)
        self.read_all = False

    def forward(self, patches: Tensor) -> Selection:
        """(B, N, C) patch features -> the (B, N) gates and scores."""
        logits = self.score(patches).squeeze(-1)
        scores = torch.sigmoid(logits)
        return Selection(self.gates_of(logits, scores), scores)

    def gates_of(self, logits: Tensor, scores: Tensor) -> Tensor:
        """Hard 0/1 gates from the (B, N) logits: sampled through the
        Gumbel-sigmoid in training (straight-through), by the inference
        rule otherwise."""
        if self.training:
            uniform = torch.rand_like(logits).clamp(1e-6, 1 - 1e-6)
            noise = uniform.log() - (-uniform).log1p()
            soft = torch.sigmoid((logits + noise) / self.tau)
            hard = torch.ones_like(soft) if self.read_all else (soft > 0.5).to(
                soft.dtype)
            return _StraightThrough.apply(soft, hard)
        if self.keep_ratio is None:
            return (scores > self.threshold).to(logits.dtype)
        num = max(1, round(self.keep_ratio * logits.shape[1]))
        top = logits.topk(num, dim=1).indices
        return torch.zeros_like(logits).scatter_(1, top, 1.0)


def gate_inputs(patches: Tensor, gates: Tensor, constant: Tensor) -> Tensor:
    """``gate * patch + (1 - gate) * constant`` over (B, N, C) ``patches``
    with (B, N) ``gates``: where a gate is 0 the value is the constant."""
    gates = gates[..., None]
    return gates * patches + (1 - gates) * constant
