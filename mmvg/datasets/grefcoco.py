"""gRefCOCO (generalized referring expressions: 0..N targets per expression)
read from the original ``grefs(unc).json`` + ``instances.json``."""
from typing import List

from mmvg.registry import DATASETS
from .refcoco import RefCOCODataset

NO_TARGET_ANN_ID = -1


@DATASETS.register_module()
class GRefCOCODataset(RefCOCODataset):
    """gRefCOCO: every ref points to zero, one or several COCO objects.

    ``grefs(unc).json`` holds refer-style records whose ``ann_id`` is a list
    (a bare int is read as a one-item list); ``[-1]`` marks a no-target
    expression, which gets ``instances=[]`` and ``no_target=True``. Every
    target keeps its box and mask, crowd annotations included, so GREC
    metrics see all of them. The released file has ``train`` and ``val``;
    ``testA``/``testB`` are used where present.

    Args:
        data_root: root of the annotation files and images.
        ann_file: the COCO-style ``instances.json`` of gRefCOCO.
        split_file: ``grefs(unc).json``.
        split: ``train``, ``val``, ``testA`` or ``testB``.
        data_prefix: ``dict(img_path=...)``, the COCO ``train2014`` folder.
        dataset_name: name stored in every sample.
        **kwargs: :class:`RefCOCODataset` arguments.
    """

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = 'grefcoco/instances.json',
                 split_file: str = 'grefcoco/grefs(unc).json',
                 split: str = 'val',
                 data_prefix: dict = dict(img_path='train2014/'),
                 dataset_name: str = 'grefcoco',
                 **kwargs) -> None:
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
