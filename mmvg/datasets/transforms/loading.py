"""Image loading with errors that name the file and the sample."""
from typing import Optional

from mmcv.transforms import LoadImageFromFile

from mmvg.registry import TRANSFORMS
from .sample_info import describe_sample


@TRANSFORMS.register_module()
class LoadGroundingImage(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` with clear errors for grounding data.

    mmcv raises a bare ``FileNotFoundError`` for a missing file and an
    ``AssertionError`` (or, under ``python -O``, a crash on ``None``) for an
    undecodable one. This loader re-raises both naming the image path and the
    sample (``ref_id``, ``sent_id``); everything else, ``ignore_empty``
    included, behaves as in mmcv.

    Raises:
        FileNotFoundError: the image file does not exist.
        ValueError: the file exists but cannot be decoded as an image.
    """

    def transform(self, results: dict) -> Optional[dict]:
        """Load ``results['img_path']`` into ``img``, ``img_shape`` and
        ``ori_shape``."""
        path = results['img_path']
        try:
            return super().transform(results)
        except FileNotFoundError as error:
            raise FileNotFoundError(f'Image file not found: {path} '
                                    f'({describe_sample(results)})') from error
        # Decoders fail in backend-specific ways (cv2 gives None and mmcv
        # asserts, Pillow raises its own errors): report them all alike.
        except Exception as error:
            raise ValueError(
                f'Cannot read or decode image file {path} '
                f'({describe_sample(results)}): {error!r}') from error
