"""The closed world of the synthetic dataset: shapes, colours and sizes.

Every object has exactly one value of each attribute; expressions refer to
objects through these words only, so the vocabulary is finite and known.
"""
from typing import Dict, Tuple

#: Shape names, in category-id order (category id = index + 1).
SHAPES: Tuple[str, ...] = ('circle', 'square', 'triangle', 'diamond', 'star')

#: Colour name -> RGB. Hues far apart so that a colour is never mistaken.
COLORS: Dict[str, Tuple[int, int, int]] = {
    'red': (220, 40, 40),
    'green': (40, 170, 70),
    'blue': (40, 90, 230),
    'yellow': (240, 210, 40),
    'purple': (150, 70, 200),
    'white': (245, 245, 245),
}

#: Size name -> (min, max) object extent in pixels at ``REFERENCE_SIZE``.
SIZES: Dict[str, Tuple[float, float]] = {
    'small': (12.0, 18.0),
    'big': (24.0, 36.0),
}

#: Image size at which ``SIZES`` hold; extents scale with the image size.
REFERENCE_SIZE = 128
