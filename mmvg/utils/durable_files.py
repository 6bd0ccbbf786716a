"""Replace files so that a kill at any moment leaves the old or the new one.

``os.replace`` is atomic on POSIX; the fsyncs make the new content and the
rename survive a machine crash too, not only a killed process.
"""
import os
import os.path as osp


def _fsync_dir(path: str) -> None:
    fd = os.open(osp.dirname(osp.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(tmp_path: str, path: str) -> None:
    """Flush ``tmp_path`` to disk and rename it to ``path`` (same dir)."""
    with open(tmp_path, 'rb') as f:
        os.fsync(f.fileno())
    os.replace(tmp_path, path)
    _fsync_dir(path)


def write_text_durably(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through ``<path>.tmp`` and a rename."""
    tmp_path = f'{path}.tmp'
    with open(tmp_path, 'w') as f:
        f.write(text)
    replace_durably(tmp_path, path)
