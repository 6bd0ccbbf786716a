"""Records and files in the original dataset formats.

* ``instances.json``: COCO (images, annotations with xywh boxes and polygon
  masks, categories); each annotation also carries the object's colour and
  size under ``attributes``, which COCO readers ignore.
* ``refs(unc).p``: the refer API's pickle, a list of refs with one target.
* ``grefs(unc).json``: gRefCOCO's list of refs whose ``ann_id`` is a list,
  ``[-1]`` (with ``no_target``) when nothing is referred to.
* ``vocab.txt``: a BERT WordPiece vocabulary.
* ``spm.model`` (made by tools/dataset_converters/make_synthetic_spm.py): a
  word-level sentencepiece model, BEiT-3's tokenizer input.
"""
import json
import os.path as osp
import pickle
from typing import Any, Dict, List, Sequence

import numpy as np
from PIL import Image

from .attributes import SHAPES
from .scene import Scene, SceneObject

BERT_SPECIAL_TOKENS = ('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]')


def category_id(shape: str) -> int:
    return SHAPES.index(shape) + 1


def coco_categories() -> List[Dict[str, Any]]:
    return [{
        'id': category_id(s),
        'name': s,
        'supercategory': 'shape'
    } for s in SHAPES]


def coco_image(image_id: int, file_name: str, scene: Scene) -> Dict[str, Any]:
    return {
        'id': image_id,
        'file_name': file_name,
        'height': scene.height,
        'width': scene.width
    }


def coco_annotation(ann_id: int, image_id: int, obj: SceneObject,
                    area: int) -> Dict[str, Any]:
    x1, y1, x2, y2 = obj.bbox
    return {
        'id': ann_id,
        'image_id': image_id,
        'category_id': category_id(obj.shape),
        'bbox': [x1, y1, round(x2 - x1, 2),
                 round(y2 - y1, 2)],
        'area': float(area),
        'iscrowd': 0,
        'segmentation': [list(obj.polygon)],
        'attributes': {
            'color': obj.color,
            'size': obj.size
        },
    }


def sentence_record(sent_id: int, sent: str, kind: str) -> Dict[str, Any]:
    """One sentence as the refer API stores it, plus its ``kind``."""
    return {
        'tokens': sent.split(),
        'raw': sent[0].upper() + sent[1:],
        'sent_id': sent_id,
        'sent': sent,
        'kind': kind
    }


def refer_record(ref_id: int, image_id: int, file_name: str, split: str,
                 ann_id: int, cat_id: int,
                 sentences: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A ``refs(unc).p`` entry; its ``file_name`` is, as in RefCOCO, the
    image stem plus ``_<ann_id>``, which is not a file: read images through
    ``image_id`` and ``instances.json``."""
    stem, ext = osp.splitext(file_name)
    return {
        'sent_ids': [s['sent_id'] for s in sentences],
        'file_name': f'{stem}_{ann_id}{ext}',
        'ann_id': ann_id,
        'ref_id': ref_id,
        'image_id': image_id,
        'split': split,
        'sentences': sentences,
        'category_id': cat_id
    }


def gref_record(ref_id: int, image_id: int, file_name: str, split: str,
                ann_ids: Sequence[int], cat_ids: Sequence[int],
                sentences: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A ``grefs(unc).json`` entry; no target: ``ann_id == [-1]``."""
    no_target = not ann_ids
    return {
        'sent_ids': [s['sent_id'] for s in sentences],
        'file_name': file_name,
        'ann_id': [-1] if no_target else list(ann_ids),
        'ref_id': ref_id,
        'image_id': image_id,
        'split': split,
        'sentences': sentences,
        'category_id': [-1] if no_target else list(cat_ids),
        'no_target': no_target
    }


def write_png(path: str, image: np.ndarray) -> None:
    Image.fromarray(image).save(path, format='PNG')


def write_json(path: str, obj: Any) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        f.write(json.dumps(obj, separators=(',', ':')))


def write_pickle(path: str, obj: Any) -> None:
    """Protocol 2, as the refer pickles (readable from Python 2 too)."""
    with open(path, 'wb') as f:
        pickle.dump(obj, f, protocol=2)


def write_vocab(path: str, words: Sequence[str]) -> None:
    """Special tokens first, then the words, one per line."""
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join([*BERT_SPECIAL_TOKENS, *words]) + '\n')


def train_spm(words: Sequence[str], model_prefix: str) -> str:
    """Train a word-level sentencepiece model with one piece per word,
    deterministically (one thread, fixed order); returns its path."""
    import sentencepiece as spm
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(words),
        model_prefix=model_prefix,
        model_type='word',
        vocab_size=len(words) + 3,  # + <unk>, <s>, </s>
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2)
    return f'{model_prefix}.model'


def read_vocab_words(path: str) -> List[str]:
    """The words of a ``vocab.txt`` that :func:`write_vocab` wrote,
    special tokens dropped (what tokenizers of other formats are made
    from)."""
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: generate the synthetic dataset first '
            '(tools/dataset_converters/make_synthetic_refs.py)')
    with open(path, encoding='utf-8') as f:
        words = [line.strip() for line in f]
    words = [w for w in words if w and w not in BERT_SPECIAL_TOKENS]
    if not words:
        raise ValueError(f'{path} holds no words')
    return words
