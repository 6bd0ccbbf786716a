"""Refuse checkpoints that do not fit the model in tests; warn in training."""
from typing import Optional, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmvg.registry import HOOKS
from mmvg.utils.checkpoint_fit import (KeyMismatch, allowed_missing,
                                       compare_state_dict, report_mismatch,
                                       unwrap_state_dict)


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Compare each loaded checkpoint with the model (keys and shapes).

    For ``tools/test.py`` (validation or test without training) a mismatch
    raises :class:`~mmvg.utils.checkpoint_fit.CheckpointMismatchError`
    unless ``strict=False``; training (``load_from``, ``resume``) keeps
    mmengine's lenient loading and repeats the summary as a warning at the
    end of start-up. Keys the checkpoint may lack: the config's
    ``checkpoint_allow_missing`` and the model's attribute of that name.

    Args:
        strict: raise instead of warning when testing.
    """

    # the warning comes last in start-up, after the other hooks' messages
    priority = 'LOWEST'

    def __init__(self, strict: bool = True) -> None:
        self.strict = strict
        self._pending: Optional[Tuple[KeyMismatch, Optional[dict]]] = None

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        mismatch = compare_state_dict(model, unwrap_state_dict(checkpoint),
                                      allowed_missing(model, runner.cfg))
        self._pending = mismatch, checkpoint.get('meta')

    def _report(self, runner, strict: bool) -> None:
        if self._pending is None:
            return
        (mismatch, meta), self._pending = self._pending, None
        source = runner.cfg.get('load_from') or 'the resumed checkpoint'
        report_mismatch(mismatch, source, meta, strict)

    def before_train(self, runner) -> None:
        self._report(runner, strict=False)

    def before_val(self, runner) -> None:
        self._report(runner, self.strict)

    def before_test(self, runner) -> None:
        self._report(runner, self.strict)
