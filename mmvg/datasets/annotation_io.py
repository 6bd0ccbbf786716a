"""Read annotation files and turn their boxes into checked xyxy boxes."""
import json
from typing import Any, List, Sequence, Tuple

import mmengine
from mmengine.fileio import exists

from .safe_pickle import load_safe_pickle


def load_annotation_file(path: str, what: str) -> Any:
    """Load a ``.json`` or refer ``.p`` file (the latter with
    :func:`load_safe_pickle`).

    Args:
        path: the file.
        what: what the file holds, for the error message
            (e.g. ``'split file'``).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: a ``.json`` file does not parse (e.g. truncated).
    """
    if not exists(path):
        raise FileNotFoundError(f'The {what} {path} does not exist; see '
                                'docs/dataset_prepare.md for where to get it.')
    if path.endswith('.p') or path.endswith('.pkl'):
        return load_safe_pickle(path)
    try:
        return mmengine.load(path, file_format='json')
    except json.JSONDecodeError as error:
        raise ValueError(f'The {what} {path} is not valid JSON ({error}); '
                         'it may be truncated: download it again.') from error


def xywh_to_clipped_xyxy(bbox: Sequence[float], width: int, height: int,
                         where: str) -> Tuple[List[float], bool]:
    """Convert a COCO ``[x, y, w, h]`` box to ``[x1, y1, x2, y2]`` inside the
    image.

    Args:
        bbox: the box in original-image pixels.
        width: image width.
        height: image height.
        where: which annotation the box belongs to, for error messages.

    Returns:
        The clipped xyxy box and whether clipping changed it.

    Raises:
        ValueError: the box is malformed, has zero/negative width or height,
            or lies entirely outside the image.
    """
    if len(bbox) != 4:
        raise ValueError(f'{where}: a box needs 4 numbers [x, y, w, h], '
                         f'got {list(bbox)}')
    x, y, w, h = (float(v) for v in bbox)
    if w <= 0 or h <= 0:
        raise ValueError(f'{where}: box {list(bbox)} (xywh) has zero or '
                         'negative size')
    box = [x, y, x + w, y + h]
    clipped = [
        min(max(box[0], 0.), width),
        min(max(box[1], 0.), height),
        min(max(box[2], 0.), width),
        min(max(box[3], 0.), height)
    ]
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        raise ValueError(f'{where}: box {list(bbox)} (xywh) lies outside the '
                         f'{width}x{height} image')
    return clipped, clipped != box
