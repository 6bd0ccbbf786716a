"""Grounding sets in the preprocessed layout of SeqTR and SimVG
(``annotations/<name>/instances.json``), which many users already have."""
from numbers import Number
from typing import Dict, List, Optional

from mmvg.registry import DATASETS
from .annotation_io import load_annotation_file
from .base_grounding_dataset import BaseGroundingDataset


def _is_box(value: object) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(
        isinstance(v, Number) for v in value)


@DATASETS.register_module()
class SeqTRFormatDataset(BaseGroundingDataset):
    """A SeqTR/SimVG ``instances.json``, read with every expression.

    The file maps split names (``train``, ``val``, ``testA``, ...; the mixed
    pre-training file also ``val_refcoco_unc`` and the like) to lists of
    refs: ``dict(image_id, height, width, expressions=[str, ...],
    bbox=[x, y, w, h], mask=polygons or RLE (optional), data_source=...
    (mixed file only))``. SimVG's gRefCOCO file stores one box list per
    expression instead: ``bbox=[[[x, y, w, h], ...], ...]`` with
    ``annotations=[[{'empty': bool, ...}, ...], ...]``; an expression whose
    annotations are all ``empty`` has no target.

    Unlike SeqTR, which draws one random expression per ref, every
    expression is a sample. The files carry no sentence ids: ``ref_id`` is
    the entry's ``ref_id`` when present, else its index in the split, and
    ``sent_id`` is the expression's running index in the split. Image files
    are named from ``image_id`` as SeqTR does.

    Args:
        data_root: root of the annotation file and images.
        ann_file: the ``instances.json``.
        split: a key of the file.
        data_prefix: ``dict(img_path=...)``, the image folder.
        img_name_format: ``str.format`` pattern of the image file name:
            ``'COCO_train2014_{:012d}.jpg'`` for RefCOCO*, ``'{}.jpg'`` for
            ReferItGame and Flickr30k.
        img_sources: for files that mix sources, ``data_source`` ->
            ``dict(img_path=..., img_name_format=...)`` (``img_path`` relative
            to ``data_root``); overrides the two arguments above.
        dataset_name: name stored in every sample.
        **kwargs: :class:`BaseGroundingDataset` arguments.
    """

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = 'annotations/refcoco-unc/instances.json',
                 split: str = 'val',
                 data_prefix: dict = dict(img_path='images/mscoco/train2014/'),
                 img_name_format: str = 'COCO_train2014_{:012d}.jpg',
                 img_sources: Optional[Dict[str, dict]] = None,
                 dataset_name: str = 'refcoco',
                 **kwargs) -> None:
        self.split = split
        self.img_name_format = img_name_format
        self.img_sources = {
            name: dict(source)
            for name, source in (img_sources or {}).items()
        }
        super().__init__(
            dataset_name=dataset_name,
            data_root=data_root,
            ann_file=ann_file,
            data_prefix=data_prefix,
            **kwargs)

    def _join_prefix(self) -> None:
        """Also join the ``img_sources`` folders to ``data_root``."""
        super()._join_prefix()
        for source in self.img_sources.values():
            source['img_path'] = self.under_root(source['img_path'])

    def load_samples(self) -> List[dict]:
        """One sample per expression of every ref of ``self.split``."""
        content = load_annotation_file(self.ann_file, 'annotation file')
        if not isinstance(content, dict) or self.split not in content:
            present = sorted(content) if isinstance(content, dict) else []
            raise ValueError(f'Unknown split "{self.split}" for '
                             f'{self.ann_file}; the splits present are '
                             f'{present}')
        samples: List[dict] = []
        for index, entry in enumerate(content[self.split]):
            samples.extend(self._entry_samples(entry, index, len(samples)))
        return samples

    def _entry_samples(self, entry: dict, index: int,
                       first_sent_id: int) -> List[dict]:
        """The samples of one ref entry, one per expression."""
        ref_id = entry.get('ref_id', index)
        where = f'{self.ann_file} {self.split}[{index}] (ref {ref_id})'
        expressions = entry.get('expressions')
        if not isinstance(expressions, list) or not expressions:
            raise ValueError(f'{where}: "expressions" must be a non-empty '
                             f'list, got {expressions!r}')
        per_expression = not _is_box(entry['bbox'])
        if per_expression and len(entry['bbox']) != len(expressions):
            raise ValueError(f'{where}: {len(entry["bbox"])} box lists for '
                             f'{len(expressions)} expressions')
        width, height = entry['width'], entry['height']
        img_path = self._entry_image_path(entry, where)
        shared = None if per_expression else [
            self.make_instance(
                entry['bbox'], width, height, where, mask=entry.get('mask'))
        ]
        samples = []
        for k, text in enumerate(expressions):
            instances = shared if shared is not None else [
                self.make_instance(box, width, height, f'{where} expr {k}')
                for box in self._expression_boxes(entry, k)
            ]
            samples.append(
                self.make_sample(
                    img_path=img_path,
                    img_id=entry['image_id'],
                    ref_id=ref_id,
                    sent_id=first_sent_id + k,
                    text=text,
                    height=height,
                    width=width,
                    instances=instances))
        return samples

    @staticmethod
    def _expression_boxes(entry: dict, k: int) -> List[list]:
        """Boxes of expression ``k`` in a per-expression (SimVG gRefCOCO)
        entry; none when all its annotations are marked ``empty``."""
        anns = entry.get('annotations')
        if anns is not None and anns[k] and all(
                ann.get('empty', False) for ann in anns[k]):
            return []
        return entry['bbox'][k]

    def _entry_image_path(self, entry: dict, where: str) -> str:
        """The image path of an entry, from its ``image_id`` and source."""
        if not self.img_sources:
            return self.image_path(
                self.img_name_format.format(entry['image_id']))
        source = self.img_sources.get(entry.get('data_source'))
        if source is None:
            raise ValueError(f'{where}: data_source '
                             f'{entry.get("data_source")!r} is not one of '
                             f'img_sources {sorted(self.img_sources)}')
        return self.image_path(
            source['img_name_format'].format(entry['image_id']),
            prefix=source['img_path'])
