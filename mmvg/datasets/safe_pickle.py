"""Load refer-style pickles (``refs(unc).p``) without running their code.

The refer pickles are downloaded from the internet and a pickle can call any
importable function while it loads. They only hold builtin containers and
scalars, so everything else is refused.

The official files were written by Python 2 (``cPickle``): their byte strings
(Python 2 ``str``) need an ``encoding`` to become Python 3 ``str``. They are
decoded as UTF-8 (a superset of the ASCII that nearly all of them hold); a
file with bytes that are not UTF-8 is read again as latin-1, which maps every
byte, so loading never fails on text.
"""
import io
import pickle
from typing import Any

from mmengine.fileio import get

# Python 2 spells ``str``/``int`` as ``unicode``/``long`` in some pickles.
_SAFE_GLOBALS = {
    kind.__name__: kind
    for kind in (dict, list, tuple, set, frozenset, str, bytes, int, float,
                 bool)
}
_SAFE_GLOBALS.update(unicode=str, long=int)
_BUILTIN_MODULES = ('builtins', '__builtin__')


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle asked for a global outside the allowed builtins."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that builds builtin containers and scalars only.

    Args:
        file: binary file object to read the pickle from.
        source: name of the pickle, used in error messages.
        encoding: how Python 2 byte strings are decoded.
    """

    def __init__(self, file: io.BufferedIOBase, source: str,
                 encoding: str) -> None:
        super().__init__(file, encoding=encoding)
        self.source = source

    def find_class(self, module: str, name: str) -> Any:
        """Return an allowed builtin type; refuse every other global."""
        if module in _BUILTIN_MODULES and name in _SAFE_GLOBALS:
            return _SAFE_GLOBALS[name]
        raise UnsafePickleError(
            f'Refusing to load {self.source}: it references the global '
            f'"{module}.{name}", but only builtin containers and scalars '
            f'({", ".join(sorted(_SAFE_GLOBALS))}) are allowed in a refer '
            'pickle.')


def load_safe_pickle(path: str) -> Any:
    """Load a pickle of builtin containers/scalars from ``path``.

    Raises:
        UnsafePickleError: the pickle references any other global (a class
            or a function such as ``os.system``).
        pickle.UnpicklingError: the file is not a valid pickle.
    """
    data = get(path)
    try:
        try:
            return RestrictedUnpickler(io.BytesIO(data), path, 'utf-8').load()
        except UnicodeDecodeError:
            return RestrictedUnpickler(io.BytesIO(data), path,
                                       'latin-1').load()
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            IndexError) as error:
        raise pickle.UnpicklingError(
            f'{path} is not a valid pickle: {error!r}') from error
