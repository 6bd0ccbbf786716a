"""The refer family (RefCOCO, RefCOCO+, RefCOCOg, ReferItGame) read from the
original ``refs(<split_by>).p`` + ``instances.json`` files."""
import re
from typing import Dict, Iterable, List, Sequence, Set

from mmengine.logging import print_log

from mmvg.registry import DATASETS
from .annotation_io import load_annotation_file
from .base_grounding_dataset import BaseGroundingDataset

_REF_KEYS = ('ref_id', 'ann_id', 'image_id', 'split', 'sentences')
_TEST_LETTERS = re.compile(r'^test[A-C]$')


def _in_split(ref_split: str, requested: str) -> bool:
    """Whether a ref of split ``ref_split`` belongs to ``requested``.

    Same rule as the refer API: ``test`` takes every ``test*`` split and
    ``testA`` also takes refs filed under ``testAB`` and the like.
    """
    if ref_split == requested:
        return True
    if not ref_split.startswith('test'):
        return False
    if requested == 'test':
        return True
    return bool(_TEST_LETTERS.match(requested)) and \
        requested[-1] in ref_split[len('test'):]


def select_refs(refs: Sequence[dict], split: str, source: str) -> List[dict]:
    """Return the refs of ``split``, in file order.

    Raises:
        ValueError: no ref belongs to ``split``; the message lists the
            splits present in ``source``.
    """
    selected = [ref for ref in refs if _in_split(ref['split'], split)]
    if not selected:
        present = sorted({ref['split'] for ref in refs})
        raise ValueError(f'Unknown split "{split}" for {source}; the splits '
                         f'present are {present}')
    return selected


def _check_refs(refs: object, source: str) -> List[dict]:
    """Check that ``refs`` is a list of refer records."""
    if not isinstance(refs, list):
        raise ValueError(f'{source} must hold a list of refs, got '
                         f'{type(refs).__name__}')
    for ref in refs:
        missing = [
            key for key in _REF_KEYS
            if not isinstance(ref, dict) or key not in ref
        ]
        if missing:
            name = ref.get('ref_id') if isinstance(ref, dict) else ref
            raise ValueError(f'{source}: ref {name!r} lacks the keys '
                             f'{missing}')
        for sent in ref['sentences']:
            if not isinstance(sent, dict) or 'sent_id' not in sent:
                raise ValueError(f'{source}: ref {ref["ref_id"]} has a '
                                 f'sentence without "sent_id": {sent!r}')
    return refs


@DATASETS.register_module()
class RefCOCODataset(BaseGroundingDataset):
    """RefCOCO / RefCOCO+ / RefCOCOg / ReferItGame from the refer files.

    One sample per sentence of every ref of ``split`` (evaluation covers all
    of them). The text is the sentence's ``sent`` (the refer toolkit's
    cleaned, lower-cased form), or its ``raw`` form where ``sent`` is empty.
    The target is the ref's ``ann_id`` annotation in ``instances.json``: its
    box (COCO xywh, converted to xyxy and clipped to the image) and its mask
    (polygons for RefCOCO*, RLE for ReferItGame; a list of RLEs is merged
    into one, as ``getMask`` sums the parts). A crowd target is kept with its
    decoded mask and ``iscrowd=1``. Sentences with a ``kind``
    key (the built-in synthetic set) keep it as ``expr_kind``.

    Split names follow the refer API: ``test`` takes every ``test*`` split
    and ``testA`` also takes refs filed as ``testAB``.

    Args:
        data_root: root of the annotation files and images.
        ann_file: the COCO-style ``instances.json``.
        split_file: the refer ``refs(<split_by>).p`` pickle (loaded with a
            restricted unpickler), or a JSON file with the same records.
        split: ``train``, ``val``, ``test``, ``testA``, ``testB``, ...
        data_prefix: ``dict(img_path=...)``, the image folder; images are
            looked up by the ``file_name`` of ``instances.json``.
        dataset_name: name stored in every sample.
        exclude_images_of: refs whose images must not appear in this set,
            as ``dict(split_file=..., splits=[...])`` items (paths relative
            to ``data_root``). Mixed pre-training uses it to drop the images
            of the RefCOCO/+/g evaluation splits; the number of samples
            dropped is logged.
        **kwargs: :class:`BaseGroundingDataset` arguments.
    """

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = 'refcoco/instances.json',
                 split_file: str = 'refcoco/refs(unc).p',
                 split: str = 'val',
                 data_prefix: dict = dict(img_path='train2014/'),
                 dataset_name: str = 'refcoco',
                 exclude_images_of: Sequence[dict] = (),
                 **kwargs) -> None:
        self.split_file = split_file
        self.split = split
        self.exclude_images_of = [dict(item) for item in exclude_images_of]
        super().__init__(
            dataset_name=dataset_name,
            data_root=data_root,
            ann_file=ann_file,
            data_prefix=data_prefix,
            **kwargs)

    def _join_prefix(self) -> None:
        """Also join ``split_file`` and the excluded split files to
        ``data_root``."""
        super()._join_prefix()
        self.split_file = self.under_root(self.split_file)
        for item in self.exclude_images_of:
            item['split_file'] = self.under_root(item['split_file'])

    def load_refs(self, path: str) -> List[dict]:
        """Load and check the refs of a split file."""
        return _check_refs(load_annotation_file(path, 'split file'), path)

    def target_ann_ids(self, ref: dict) -> List[int]:
        """The annotation ids a ref points to (one for the refer family)."""
        return [ref['ann_id']]

    def target_instance(self, ann: dict, image: dict, where: str) -> dict:
        """The instance of one target annotation: its box and its mask,
        crowd annotations included (the refer API's ``getMask`` does not look
        at ``iscrowd``; mmvg also decodes a crowd target's RLE)."""
        return self.make_instance(
            ann['bbox'],
            image['width'],
            image['height'],
            where=where,
            mask=ann.get('segmentation'),
            iscrowd=bool(ann.get('iscrowd', 0)))

    def load_samples(self) -> List[dict]:
        """One sample per sentence of every ref of ``self.split``."""
        refs = select_refs(
            self.load_refs(self.split_file), self.split, self.split_file)
        coco = load_annotation_file(self.ann_file, 'annotation file')
        images = {image['id']: image for image in coco['images']}
        anns = {ann['id']: ann for ann in coco['annotations']}
        excluded = self._excluded_image_ids()

        samples, num_dropped = [], 0
        for ref in refs:
            if ref['image_id'] in excluded:
                num_dropped += len(ref['sentences'])
                continue
            samples.extend(self._ref_samples(ref, images, anns))
        if num_dropped:
            print_log(
                f'{self.split_file} ({self.split}): dropped {num_dropped} '
                'samples whose images belong to an excluded split.',
                logger='current')
        return samples

    def _ref_samples(self, ref: dict, images: Dict[int, dict],
                     anns: Dict[int, dict]) -> Iterable[dict]:
        """The samples of one ref: one per sentence, sharing the targets."""
        image = images.get(ref['image_id'])
        if image is None:
            raise ValueError(f'ref {ref["ref_id"]} of {self.split_file} '
                             f'refers to image {ref["image_id"]}, which is '
                             f'not in {self.ann_file}')
        instances = []
        for ann_id in self.target_ann_ids(ref):
            ann = anns.get(ann_id)
            if ann is None:
                raise ValueError(f'ref {ref["ref_id"]} of {self.split_file} '
                                 f'refers to annotation {ann_id}, which is '
                                 f'not in {self.ann_file}')
            instances.append(
                self.target_instance(
                    ann, image, f'{self.ann_file} annotation {ann_id} '
                    f'(ref {ref["ref_id"]})'))
        img_path = self.image_path(image['file_name'])
        for sent in ref['sentences']:
            yield self.make_sample(
                img_path=img_path,
                img_id=ref['image_id'],
                ref_id=ref['ref_id'],
                sent_id=sent['sent_id'],
                text=sent.get('sent') or sent.get('raw'),
                height=image['height'],
                width=image['width'],
                instances=instances,
                expr_kind=sent.get('kind'))

    def _excluded_image_ids(self) -> Set[int]:
        """Image ids of the refs named by ``exclude_images_of``."""
        excluded: Set[int] = set()
        for item in self.exclude_images_of:
            refs = self.load_refs(item['split_file'])
            for split in item['splits']:
                excluded.update(
                    ref['image_id']
                    for ref in select_refs(refs, split, item['split_file']))
        return excluded
