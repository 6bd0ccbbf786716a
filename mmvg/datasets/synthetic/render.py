"""Drawing a scene into an RGB image.

Shapes are filled with the masks that pycocotools rasterises from their
polygons, so the pixels of an object are exactly its COCO mask.
"""
from typing import List, Tuple

import numpy as np
from pycocotools import mask as mask_utils

from .attributes import COLORS
from .scene import Scene


def render_scene(scene: Scene,
                 rng: np.random.Generator) -> Tuple[np.ndarray, List[int]]:
    """An ``(H, W, 3)`` uint8 image of the scene and each object's area.

    The background is a grey of random brightness and tint; half of the
    images get light Gaussian noise. Colours are jittered a little.
    """
    h, w = scene.height, scene.width
    background = rng.integers(90, 150) + rng.integers(-10, 11, size=3)
    image = np.empty((h, w, 3), np.float64)
    image[:] = background
    areas = []
    for obj in scene.objects:
        rle = mask_utils.frPyObjects([list(obj.polygon)], h, w)[0]
        image[mask_utils.decode(rle).astype(bool)] = (
            np.array(COLORS[obj.color]) + rng.integers(-8, 9, size=3))
        areas.append(int(mask_utils.area(rle)))
    if rng.random() < 0.5:
        image += rng.normal(0.0, rng.uniform(2.0, 6.0), image.shape)
    return np.clip(image.round(), 0, 255).astype(np.uint8), areas
