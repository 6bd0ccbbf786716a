"""Scenes of the synthetic dataset: objects, their polygons and placement."""
import math
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np

from .attributes import COLORS, REFERENCE_SIZE, SHAPES, SIZES

#: Relative tolerance of spatial comparisons: positions closer than this
#: share of the shorter image side are neither before nor after each other.
MARGIN_RATIO = 0.05
#: Empty space kept between object boxes, as a share of the image size.
GAP_RATIO = 0.03


@dataclass(frozen=True)
class SceneObject:
    """One shape: its attributes, box ``(x1, y1, x2, y2)`` and polygon."""

    shape: str
    color: str
    size: str
    bbox: Tuple[float, float, float, float]
    polygon: Tuple[float, ...] = ()

    @property
    def center(self) -> Tuple[float, float]:
        x1, y1, x2, y2 = self.bbox
        return (x1 + x2) / 2, (y1 + y2) / 2


@dataclass(frozen=True)
class Scene:
    """An image's size and its objects; expressions are evaluated on it."""

    width: int
    height: int
    objects: Tuple[SceneObject, ...]

    @property
    def margin(self) -> float:
        return MARGIN_RATIO * min(self.width, self.height)


def shape_polygon(shape: str, cx: float, cy: float,
                  extent: float) -> List[float]:
    """Vertices ``[x1, y1, x2, y2, ...]`` of an upright shape.

    The shape fits a square of side ``extent`` centred at ``(cx, cy)``;
    coordinates are rounded to 0.01 px as they are written to the files.
    """
    r = extent / 2
    if shape == 'circle':
        n = max(16, round(math.pi * extent / 3))
        points = [(r * math.cos(2 * math.pi * i / n),
                   r * math.sin(2 * math.pi * i / n)) for i in range(n)]
    elif shape == 'square':
        points = [(-r, -r), (r, -r), (r, r), (-r, r)]
    elif shape == 'triangle':
        points = [(0, -r), (r, r), (-r, r)]
    elif shape == 'diamond':
        points = [(0, -r), (0.75 * r, 0), (0, r), (-0.75 * r, 0)]
    elif shape == 'star':
        points = []
        for i in range(10):
            radius = r if i % 2 == 0 else 0.45 * r
            angle = math.pi * i / 5 - math.pi / 2
            points.append((radius * math.cos(angle), radius * math.sin(angle)))
    else:
        raise ValueError(f'unknown shape {shape!r}; known: {SHAPES}')
    return [round(v, 2) for x, y in points for v in (cx + x, cy + y)]


def polygon_bbox(polygon: Sequence[float], width: int,
                 height: int) -> Tuple[float, float, float, float]:
    """Extent ``(x1, y1, x2, y2)`` of a polygon, clipped to the image."""
    xs, ys = polygon[0::2], polygon[1::2]
    return (max(0.0, min(xs)), max(0.0, min(ys)), min(float(width), max(xs)),
            min(float(height), max(ys)))


def _boxes_apart(a: Sequence[float], b: Sequence[float], gap: float) -> bool:
    return (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1]
            or b[3] + gap <= a[1])


def _sample_attributes(rng: np.random.Generator,
                       num: int) -> List[Tuple[str, str, str]]:
    """Draw (shape, colour, size) from small per-image palettes.

    Small palettes make shapes and colours repeat inside an image, so that
    objects often need two attributes or a spatial word to be told apart.
    """
    shapes = rng.choice(SHAPES, size=rng.integers(2, 5), replace=False)
    colors = rng.choice(list(COLORS), size=rng.integers(2, 5), replace=False)
    return [(str(rng.choice(shapes)), str(rng.choice(colors)),
             str(rng.choice(list(SIZES)))) for _ in range(num)]


def sample_scene(rng: np.random.Generator,
                 image_size: int,
                 max_tries: int = 100) -> Scene:
    """Draw an image size and 3-5 shapes that do not touch each other."""
    width = round(rng.uniform(0.75, 1.0) * image_size)
    height = round(rng.uniform(0.75, 1.0) * image_size)
    scale = image_size / REFERENCE_SIZE
    gap = max(2.0, GAP_RATIO * image_size)
    for _ in range(max_tries):
        objects: List[SceneObject] = []
        for shape, color, size in _sample_attributes(rng, rng.integers(3, 6)):
            extent = rng.uniform(*SIZES[size]) * scale
            for _ in range(max_tries):
                cx = rng.uniform(extent / 2 + 1, width - extent / 2 - 1)
                cy = rng.uniform(extent / 2 + 1, height - extent / 2 - 1)
                polygon = shape_polygon(shape, cx, cy, extent)
                bbox = polygon_bbox(polygon, width, height)
                if all(_boxes_apart(bbox, o.bbox, gap) for o in objects):
                    objects.append(
                        SceneObject(shape, color, size, bbox, tuple(polygon)))
                    break
            else:
                break  # no room left: draw the whole scene again
        else:
            return Scene(width, height, tuple(objects))
    raise RuntimeError(f'could not place 3-5 separate shapes in a '
                       f'{width}x{height} image after {max_tries} tries; '
                       f'image_size={image_size} is too small')
