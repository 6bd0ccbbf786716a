"""Read every patch for the first epochs of a scanning model's training."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmvg.models.layers import PatchSelector
from mmvg.registry import HOOKS


@HOOKS.register_module()
class SelectionWarmupHook(Hook):
    """Set ``read_all`` on every :class:`PatchSelector` of the model for
    the first ``epochs`` training epochs, and clear it afterwards.

    While it is set every patch of every scale is read in training (the
    selection scores still get their gradients), so that the finer scales
    learn from whole images before the selection, still untrained at
    first, starts dropping patches. Validation and testing always select.

    Args:
        epochs: training epochs that read every patch.
    """

    priority = 'NORMAL'

    def __init__(self, epochs: int) -> None:
        if epochs < 0:
            raise ValueError(f'epochs must be >= 0, got {epochs}')
        self.epochs = epochs

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        selectors = [
            m for m in model.modules() if isinstance(m, PatchSelector)
        ]
        if not selectors:
            raise ValueError('SelectionWarmupHook found no PatchSelector in '
                             f'{type(model).__name__}')
        for selector in selectors:
            selector.read_all = runner.epoch < self.epochs
