from . import transforms  # noqa: F401
from .annotation_io import load_annotation_file, xywh_to_clipped_xyxy
from .base_grounding_dataset import BaseGroundingDataset
from .flickr30k import Flickr30kDataset
from .grefcoco import GRefCOCODataset
from .refcoco import RefCOCODataset, select_refs
from .resumable_sampler import ResumableSampler
from .safe_pickle import (RestrictedUnpickler, UnsafePickleError,
                          load_safe_pickle)
from .seqtr_format import SeqTRFormatDataset
from .synthetic import make_synthetic_dataset

__all__ = [
    'make_synthetic_dataset', 'BaseGroundingDataset', 'Flickr30kDataset',
    'GRefCOCODataset', 'RefCOCODataset', 'ResumableSampler',
    'RestrictedUnpickler', 'SeqTRFormatDataset', 'UnsafePickleError',
    'load_annotation_file', 'load_safe_pickle', 'select_refs',
    'xywh_to_clipped_xyxy'
]
