"""gRefCOCO (generalized referring expressions: 0..N targets per expression)
read from the original ``grefs(unc).json`` + ``instances.json``."""
from typing import List

from mmengine.logging import print_log

from mmvg.registry import DATASETS
from .coco_segmentation import empty_segmentation
from .refcoco import RefCOCODataset

NO_TARGET_ANN_ID = -1
CROWD_MASK_RULES = ('empty', 'keep')


@DATASETS.register_module()
class GRefCOCODataset(RefCOCODataset):
    """gRefCOCO: every ref points to zero, one or several COCO objects.

    ``grefs(unc).json`` holds refer-style records whose ``ann_id`` is a list
    (a bare int is read as a one-item list); ``[-1]`` marks a no-target
    expression, which gets ``instances=[]`` and ``no_target=True``.

    Crowd targets follow the official code: every target keeps its box, crowd
    ones included (the GREC scoring of the gRefCOCO release reads all of an
    expression's annotations); with ``crowd_masks='empty'`` a crowd target's
    mask is empty, because ``grefer.getMaskByRef`` leaves crowd annotations
    out of the expression's mask, so RES metrics and mask losses see the
    official target (``'keep'`` decodes them instead). The number of emptied
    masks is logged. The released file has ``train`` and ``val``;
    ``testA``/``testB`` are used where present.

    Args:
        data_root: root of the annotation files and images.
        ann_file: the COCO-style ``instances.json`` of gRefCOCO.
        split_file: ``grefs(unc).json``.
        split: ``train``, ``val``, ``testA`` or ``testB``.
        data_prefix: ``dict(img_path=...)``, the COCO ``train2014`` folder.
        dataset_name: name stored in every sample.
        crowd_masks: ``'empty'`` (official) or ``'keep'``, see above.
        **kwargs: :class:`RefCOCODataset` arguments.
    """

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = 'grefcoco/instances.json',
                 split_file: str = 'grefcoco/grefs(unc).json',
                 split: str = 'val',
                 data_prefix: dict = dict(img_path='train2014/'),
                 dataset_name: str = 'grefcoco',
                 crowd_masks: str = 'empty',
                 **kwargs) -> None:
        if crowd_masks not in CROWD_MASK_RULES:
            raise ValueError(f'crowd_masks must be one of {CROWD_MASK_RULES}, '
                             f'got {crowd_masks!r}')
        self.crowd_masks = crowd_masks
        self._num_emptied = 0
        super().__init__(
            data_root=data_root,
            ann_file=ann_file,
            split_file=split_file,
            split=split,
            data_prefix=data_prefix,
            dataset_name=dataset_name,
            **kwargs)

    def target_ann_ids(self, ref: dict) -> List[int]:
        """The ref's annotation ids; ``[]`` for a no-target ref.

        Raises:
            ValueError: the list is empty or mixes ``-1`` with real ids.
        """
        ann_ids = ref['ann_id']
        if not isinstance(ann_ids, list):
            ann_ids = [ann_ids]
        if ann_ids == [NO_TARGET_ANN_ID]:
            return []
        if not ann_ids or NO_TARGET_ANN_ID in ann_ids:
            raise ValueError(
                f'ref {ref["ref_id"]} of {self.split_file} has ann_id '
                f'{ref["ann_id"]!r}; expected a list of annotation ids, or '
                f'[{NO_TARGET_ANN_ID}] for an expression without target')
        return ann_ids

    def target_instance(self, ann: dict, image: dict, where: str) -> dict:
        """A target's instance; a crowd target's mask is empty under
        ``crowd_masks='empty'``."""
        instance = super().target_instance(ann, image, where)
        if (instance['iscrowd'] and 'mask' in instance
                and self.crowd_masks == 'empty'):
            instance['mask'] = empty_segmentation(image['height'],
                                                  image['width'])
            self._num_emptied += 1
        return instance

    def load_samples(self) -> List[dict]:
        """The refer-style samples; reports the emptied crowd masks."""
        self._num_emptied = 0
        samples = super().load_samples()
        if self._num_emptied:
            print_log(
                f'{self.split_file} ({self.split}): {self._num_emptied} crowd '
                'target(s) keep their box and get an empty mask, as in '
                'grefer.getMaskByRef (crowd_masks="empty").',
                logger='current')
        return samples
