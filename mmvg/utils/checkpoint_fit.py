"""Check that a checkpoint's weights fit a model before trusting its results.

mmengine loads leniently: missing or unexpected keys only log a warning,
so a checkpoint of another config evaluates a half-random model. mmvg's
tools load strictly and say what does not fit and where the checkpoint
seems to come from.
"""
import ast
import logging
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader
from torch import Tensor, nn

# the prefix a distributed wrapper adds (mmengine's default ``revise_keys``)
_WRAPPER_PREFIX = re.compile(r'^module\.')
SHOWN_KEYS = 10


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's keys or shapes differ from the model's."""


@dataclass
class KeyMismatch:
    """What differs between a checkpoint's and a model's ``state_dict``."""
    missing: List[str]
    unexpected: List[str]
    reshaped: List[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.reshaped)

    def describe(self, source: str, meta: Optional[dict]) -> str:
        """A report naming the first :data:`SHOWN_KEYS` keys of each kind
        and the origin of the checkpoint (from its ``meta``)."""
        lines = [f'{source} does not fit the model:']
        for kind, keys in (('missing', self.missing), ('unexpected',
                                                       self.unexpected),
                           ('of another shape', self.reshaped)):
            if keys:
                more = ', ...' if len(keys) > SHOWN_KEYS else ''
                lines.append(f'  {len(keys)} {kind} keys: '
                             f'{", ".join(keys[:SHOWN_KEYS])}{more}')
        lines.append(f'  the checkpoint seems to belong to '
                     f'{checkpoint_origin(meta)}')
        return '\n'.join(lines)


def unwrap_state_dict(checkpoint: dict) -> Dict[str, Tensor]:
    """The weights of a checkpoint, without a distributed wrapper's
    ``module.`` prefix."""
    state_dict = checkpoint.get('state_dict', checkpoint)
    return {_WRAPPER_PREFIX.sub('', k): v for k, v in state_dict.items()}


def compare_state_dict(
        model: nn.Module,
        state_dict: Dict[str, Tensor],
        allow_missing: Sequence[str] = (),
        expected: Optional[Dict[str, Tensor]] = None) -> KeyMismatch:
    """Compare ``state_dict`` with ``model``'s (``expected``, when the
    caller has it already); model keys matching one of the
    ``allow_missing`` regular expressions may be absent."""
    if expected is None:
        expected = model.state_dict()
    allowed = [re.compile(pattern) for pattern in allow_missing]
    missing = [
        key for key in expected if key not in state_dict and not any(
            pattern.search(key) for pattern in allowed)
    ]
    unexpected = [key for key in state_dict if key not in expected]
    reshaped = [
        f'{key} {tuple(value.shape)} (model {tuple(expected[key].shape)})'
        for key, value in state_dict.items()
        if key in expected and value.shape != expected[key].shape
    ]
    return KeyMismatch(missing, unexpected, reshaped)


def allowed_missing(model: nn.Module, cfg: dict) -> List[str]:
    """The keys a checkpoint may lack: the model's
    ``checkpoint_allow_missing`` attribute (e.g. a teacher it never saves)
    and the config's ``checkpoint_allow_missing`` list."""
    return list(getattr(model, 'checkpoint_allow_missing', ())) + list(
        cfg.get('checkpoint_allow_missing', None) or [])


def checkpoint_origin(meta: Optional[dict]) -> str:
    """The experiment and model type the checkpoint was saved by.

    The saved config is parsed, never run: a checkpoint may come from
    anywhere.
    """
    meta = meta or {}
    name = meta.get('experiment_name')
    model_type = _model_type(meta.get('cfg') or '')
    if not name and not model_type:
        return 'an unknown config (the checkpoint has no meta)'
    parts = [f'experiment {name}'] if name else []
    if model_type:
        parts.append(f'model type {model_type}')
    return ', '.join(parts)


def _model_type(cfg_text: str) -> Optional[str]:
    try:
        tree = ast.parse(cfg_text)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == 'model' for t in node.targets) \
                and isinstance(node.value, ast.Call):
            for keyword in node.value.keywords:
                if keyword.arg == 'type' and isinstance(
                        keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


def report_mismatch(mismatch: KeyMismatch, source: str, meta: Optional[dict],
                    strict: bool) -> None:
    """Raise :class:`CheckpointMismatchError` (strict) or warn."""
    if not mismatch:
        return
    message = mismatch.describe(source, meta)
    if strict:
        raise CheckpointMismatchError(
            f'{message}\nLoad it anyway with --no-strict, or list keys the '
            'checkpoint may lack in the config\'s checkpoint_allow_missing.')
    print_log(
        f'{message}\nLoaded anyway (not strict).',
        logger='current',
        level=logging.WARNING)


def load_fitting_checkpoint(model: nn.Module,
                            filename: str,
                            strict: bool = True,
                            allow_missing: Sequence[str] = (),
                            map_location: str = 'cpu') -> dict:
    """Load ``filename`` into ``model`` after checking that it fits.

    Args:
        strict: raise on a mismatch; else warn and load what fits.
        allow_missing: regular expressions of model keys the checkpoint
            may lack.

    Returns:
        the loaded checkpoint.
    """
    checkpoint = CheckpointLoader.load_checkpoint(
        filename, map_location=map_location)
    state_dict = unwrap_state_dict(checkpoint)
    expected = model.state_dict()
    mismatch = compare_state_dict(model, state_dict, allow_missing, expected)
    report_mismatch(mismatch, filename, checkpoint.get('meta'), strict)
    model.load_state_dict(
        {
            key: value
            for key, value in state_dict.items()
            if key not in expected or value.shape == expected[key].shape
        },
        strict=False)
    return checkpoint
