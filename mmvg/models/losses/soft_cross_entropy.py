"""Cross-entropy against a target distribution (several target cells)."""
from torch import Tensor


def soft_cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean over rows with any target mass of ``-sum(t * log_softmax)``;
    0 when no row has one (a batch of no-target GREC samples)."""
    keep = targets.sum(-1) > 0
    if not keep.any():
        return logits.sum() * 0
    log_probs = logits[keep].log_softmax(-1).clamp(min=-1e4)
    return -(targets[keep] * log_probs).sum(-1).mean()
