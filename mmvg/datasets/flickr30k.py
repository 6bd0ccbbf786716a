"""Flickr30k Entities phrase grounding read from MDETR's
``final_flickr_separateGT_{train,val,test}.json``."""
from typing import Dict, List, Sequence, Tuple

from mmvg.registry import DATASETS
from .annotation_io import load_annotation_file
from .base_grounding_dataset import BaseGroundingDataset

Span = Tuple[int, int]


def _spans(raw: Sequence[Sequence[int]]) -> List[Span]:
    return [(int(begin), int(end)) for begin, end in raw]


@DATASETS.register_module()
class Flickr30kDataset(BaseGroundingDataset):
    """Flickr30k Entities, one sample per grounded phrase.

    MDETR's COCO-style files hold one ``images`` entry per caption
    (``caption``, ``original_img_id``, ``tokens_positive_eval``: one list of
    character spans per phrase that has boxes) and one ``annotations`` entry
    per box (``bbox`` xywh, ``tokens_positive``: the spans of the phrases
    the box belongs to). Without ``tokens_positive_eval`` every span found
    in ``tokens_positive`` is a phrase.

    Convention: a sample's text is the phrase (``caption[begin:end]``, the
    pieces of a multi-span phrase joined by a space) and its instances are
    **all** the boxes of that phrase. The ``separateGT`` files keep every
    ground-truth box of a phrase apart (``mergedGT`` would merge them into
    their enclosing box), so REC evaluation counts a hit when the top box
    matches any of them (IoU >= 0.5), as in MDETR's any-box protocol.
    Ids: ``img_id`` is the Flickr image id, ``ref_id`` the caption entry id
    and ``sent_id`` the phrase's running index in the file.

    Args:
        data_root: root of the annotation file and images.
        ann_file: an MDETR ``final_flickr_separateGT_<split>.json``.
        data_prefix: ``dict(img_path=...)``, the ``flickr30k-images`` folder.
        dataset_name: name stored in every sample.
        **kwargs: :class:`BaseGroundingDataset` arguments.
    """

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = 'mdetr_annotations/'
                 'final_flickr_separateGT_val.json',
                 data_prefix: dict = dict(img_path='flickr30k-images/'),
                 dataset_name: str = 'flickr30k',
                 **kwargs) -> None:
        super().__init__(
            dataset_name=dataset_name,
            data_root=data_root,
            ann_file=ann_file,
            data_prefix=data_prefix,
            **kwargs)

    def load_samples(self) -> List[dict]:
        """One sample per phrase of every caption."""
        coco = load_annotation_file(self.ann_file, 'annotation file')
        anns_of: Dict[int, List[dict]] = {}
        for ann in coco['annotations']:
            anns_of.setdefault(ann['image_id'], []).append(ann)
        samples: List[dict] = []
        for entry in coco['images']:
            samples.extend(
                self._caption_samples(entry, anns_of.get(entry['id'], []),
                                      len(samples)))
        return samples

    def _caption_samples(self, entry: dict, anns: List[dict],
                         first_sent_id: int) -> List[dict]:
        """The samples of one caption entry, one per grounded phrase."""
        caption = entry['caption']
        phrases = entry.get('tokens_positive_eval')
        if phrases is None:
            # Without the eval spans every span a box points to is a phrase.
            phrases = [[span] for span in sorted({
                span
                for ann in anns
                for span in _spans(ann['tokens_positive'])
            })]
        samples = []
        width, height = int(entry['width']), int(entry['height'])
        for index, raw_spans in enumerate(phrases):
            spans = _spans(raw_spans)
            where = (f'{self.ann_file} caption {entry["id"]} phrase {index} '
                     f'{spans}')
            instances = [
                self.make_instance(
                    ann['bbox'],
                    width,
                    height,
                    where=f'{where}, annotation {ann["id"]}') for ann in anns
                if set(spans) & set(_spans(ann['tokens_positive']))
            ]
            if not instances:
                raise ValueError(f'{where}: the phrase has no box')
            samples.append(
                self.make_sample(
                    img_path=self.image_path(entry['file_name']),
                    img_id=entry.get('original_img_id', entry['id']),
                    ref_id=entry['id'],
                    sent_id=first_sent_id + index,
                    text=' '.join(caption[b:e] for b, e in spans),
                    height=height,
                    width=width,
                    instances=instances))
        return samples
