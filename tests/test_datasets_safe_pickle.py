"""The restricted unpickler for refer pickles."""
import os
import pickle
import struct

import pytest

from mmvg.datasets import load_safe_pickle


def _py2_pickle(obj) -> bytes:
    """Protocol-2 bytes as Python 2's cPickle writes them: ``bytes`` stand
    for Python 2 ``str`` (SHORT_BINSTRING), ``str`` for ``unicode``
    (BINUNICODE)."""

    def body(value) -> bytes:
        if isinstance(value, dict):
            items = b''.join(body(k) + body(v) for k, v in value.items())
            return b'}(' + items + b'u'
        if isinstance(value, list):
            return b'](' + b''.join(body(v) for v in value) + b'e'
        if isinstance(value, bool):
            return b'\x88' if value else b'\x89'
        if isinstance(value, int):
            return b'J' + struct.pack('<i', value)
        if isinstance(value, bytes):
            return b'U' + bytes([len(value)]) + value
        encoded = value.encode('utf-8')
        return b'X' + struct.pack('<I', len(encoded)) + encoded

    return b'\x80\x02' + body(obj) + b'.'


def _write(tmp_path, data: bytes, name='refs(unc).p') -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_python2_pickle_with_byte_strings(tmp_path):
    refs = [{
        b'ref_id':
        3,
        b'split':
        b'testA',
        b'sentences': [{
            b'sent_id': 7,
            b'sent': b'caf\xc3\xa9 table',  # UTF-8 bytes in a py2 str
            b'raw': u'na\xefve table',  # py2 unicode
        }],
        b'crowd':
        False,
    }]
    loaded = load_safe_pickle(_write(tmp_path, _py2_pickle(refs)))
    assert loaded == [{
        'ref_id':
        3,
        'split':
        'testA',
        'sentences': [{
            'sent_id': 7,
            'sent': 'caf\xe9 table',
            'raw': 'na\xefve table'
        }],
        'crowd':
        False,
    }]


def test_non_utf8_bytes_fall_back_to_latin1(tmp_path):
    data = _py2_pickle([{b'sent': b'caf\xe9'}])
    assert load_safe_pickle(_write(tmp_path, data)) == [{'sent': 'caf\xe9'}]


@pytest.mark.parametrize('protocol', [0, 2, pickle.HIGHEST_PROTOCOL])
def test_builtin_containers_and_scalars(tmp_path, protocol):
    obj = dict(
        a=[1, 2.5, None, True],
        b=(1, 'x'),
        c={3, 4},
        d=frozenset([5]),
        e=2**70)
    path = _write(tmp_path, pickle.dumps(obj, protocol=protocol))
    assert load_safe_pickle(path) == obj


class _Evil:

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


def test_refuses_os_system(tmp_path):
    marker = tmp_path / 'pwned'
    path = _write(tmp_path, pickle.dumps([_Evil(f'touch {marker}')],
                                         protocol=2))
    with pytest.raises(pickle.UnpicklingError) as info:
        load_safe_pickle(path)
    assert path in str(info.value)
    assert f'{os.system.__module__}.system' in str(info.value)
    assert not marker.exists()


class _Plain:
    """Any class, even a harmless one, is refused."""


def test_refuses_any_class(tmp_path):
    path = _write(tmp_path, pickle.dumps([_Plain()]))
    with pytest.raises(pickle.UnpicklingError, match=r'\._Plain"'):
        load_safe_pickle(path)


def test_corrupt_pickle(tmp_path):
    path = _write(tmp_path, pickle.dumps([1, 2, 3])[:-3])
    with pytest.raises(pickle.UnpicklingError, match='refs'):
        load_safe_pickle(path)
