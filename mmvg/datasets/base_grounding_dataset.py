"""Shared parts of every grounding dataset: the sample layout and its checks.

One sample is one (image, expression) pair. ``data_list`` entries look like::

    dict(img_path=str, img_id=..., ref_id=..., sent_id=..., text=str,
         height=int, width=int, dataset_name=str, no_target=bool,
         expr_kind=str (optional),
         instances=[dict(bbox=[x1, y1, x2, y2], bbox_label=0, ignore_flag=0,
                         iscrowd=0 or 1,
                         mask=polygons or one COCO RLE (optional)), ...])

so mmdet's ``LoadAnnotations``, ``Resize``, ``Pad`` and ``RandomFlip`` work on
them unchanged. Boxes are float xyxy in original-image pixels.
"""
import logging
from typing import Any, List, Optional

from mmengine.dataset import BaseDataset
from mmengine.fileio import exists, join_path
from mmengine.logging import print_log
from mmengine.utils import is_abs

from .annotation_io import xywh_to_clipped_xyxy
from .coco_segmentation import Segmentation, loadable_segmentation


class BaseGroundingDataset(BaseDataset):
    """Base class of the grounding datasets.

    Subclasses implement :meth:`load_samples` and build their entries with
    :meth:`make_instance` and :meth:`make_sample`, which check the data and
    count the boxes clipped to the image (reported in one warning).

    Args:
        dataset_name: stored in every sample (``dataset_name``), so mixed
            datasets and metrics can tell the sources apart.
        check_images: check at init that every image file exists (slow on
            large sets; missing or corrupt images are otherwise reported when
            they are loaded).
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments
            (``data_root``, ``ann_file``, ``data_prefix``, ``pipeline``, ...).
    """

    METAINFO = dict(classes=('object', ))

    def __init__(self,
                 dataset_name: str,
                 check_images: bool = False,
                 **kwargs) -> None:
        self.dataset_name = dataset_name
        self.check_images = check_images
        self._num_clipped = 0
        super().__init__(**kwargs)

    def load_samples(self) -> List[dict]:
        """Read the annotation files into ``data_list`` entries."""
        raise NotImplementedError

    def load_data_list(self) -> List[dict]:
        """Load the samples, report clipped boxes and optionally check that
        the images exist."""
        self._num_clipped = 0
        data_list = self.load_samples()
        if not data_list:
            raise ValueError(f'{self.ann_file} holds no sample for this '
                             f'dataset ({type(self).__name__})')
        if self._num_clipped:
            print_log(
                f'{self._num_clipped} box(es) of {self.ann_file} extend '
                'beyond their image and were clipped to it.',
                logger='current',
                level=logging.WARNING)
        if self.check_images:
            self._check_images_exist(data_list)
        return data_list

    def under_root(self, path: str) -> str:
        """Join a relative ``path`` to ``data_root``, as mmengine does for
        ``ann_file``."""
        if self.data_root and not is_abs(path):
            return join_path(self.data_root, path)
        return path

    def image_path(self, file_name: str, prefix: Optional[str] = None) -> str:
        """Join an image file name to ``prefix`` (default: the
        ``img_path`` data prefix)."""
        if prefix is None:
            prefix = self.data_prefix.get('img_path', '')
        return join_path(prefix, file_name) if prefix else file_name

    def make_instance(self,
                      bbox_xywh: List[float],
                      width: int,
                      height: int,
                      where: str,
                      mask: Optional[Segmentation] = None,
                      iscrowd: bool = False) -> dict:
        """Build one mmdet-style instance from a COCO xywh box.

        A crowd target keeps ``ignore_flag=0`` (grounding scores it like any
        other target) and is marked by ``iscrowd=1``; its mask is brought
        into a form mmdet's ``LoadAnnotations`` decodes.

        Raises:
            ValueError: the box is empty or outside the image, or the mask
                is malformed.
        """
        bbox, clipped = xywh_to_clipped_xyxy(bbox_xywh, width, height, where)
        self._num_clipped += clipped
        instance = dict(
            bbox=bbox, bbox_label=0, ignore_flag=0, iscrowd=int(iscrowd))
        if mask:
            instance['mask'] = loadable_segmentation(mask, height, width,
                                                     where)
        return instance

    def make_sample(self,
                    *,
                    img_path: str,
                    img_id: Any,
                    ref_id: Any,
                    sent_id: Any,
                    text: Optional[str],
                    height: int,
                    width: int,
                    instances: List[dict],
                    expr_kind: Optional[str] = None) -> dict:
        """Build one ``data_list`` entry.

        Raises:
            ValueError: the expression is empty.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f'{self.ann_file}: empty expression {text!r} '
                             f'(ref_id={ref_id!r}, sent_id={sent_id!r})')
        sample = dict(
            img_path=img_path,
            img_id=img_id,
            ref_id=ref_id,
            sent_id=sent_id,
            text=text.strip(),
            height=int(height),
            width=int(width),
            dataset_name=self.dataset_name,
            no_target=not instances,
            instances=instances)
        if expr_kind is not None:
            sample['expr_kind'] = expr_kind
        return sample

    @staticmethod
    def _check_images_exist(data_list: List[dict]) -> None:
        """Raise ``FileNotFoundError`` listing the image files that are
        missing."""
        paths = dict.fromkeys(sample['img_path'] for sample in data_list)
        missing = [path for path in paths if not exists(path)]
        if missing:
            shown = ', '.join(missing[:5])
            raise FileNotFoundError(
                f'{len(missing)} of {len(paths)} image files are missing, '
                f'e.g. {shown}')
