"""Writing a whole synthetic grounding dataset, deterministically from a seed.

Layout under ``out_dir``::

    images/synthetic_000001.png ...
    synthetic/instances.json     COCO instances shared by both ref files
    synthetic/refs(unc).p        REC refs, one target each
    synthetic/grefs(unc).json    gRefCOCO refs, zero to many targets
    synthetic/vocab.txt          BERT vocabulary covering every sentence
"""
import os
import os.path as osp
from collections import Counter
from itertools import count
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from .expressions import Expression, resolve
from .parsing import parse_expression
from .phrasing import phrasings, vocabulary
from .render import render_scene
from .sampling import (GREC_KINDS, REC_KINDS, KindBalancer, sample_grec,
                       sample_rec)
from .scene import Scene, sample_scene
from .writer import (coco_annotation, coco_categories, coco_image, gref_record,
                     refer_record, sentence_record, write_json, write_pickle,
                     write_png, write_vocab)

SPLIT_SHARES = {'val': 0.10, 'testA': 0.05, 'testB': 0.05}
IMAGE_NAME = 'synthetic_{:06d}.png'


def assign_splits(num_images: int, rng: np.random.Generator) -> List[str]:
    """One split per image: about 80/10/5/5 %, each split non-empty."""
    counts = {
        s: max(1, round(share * num_images))
        for s, share in SPLIT_SHARES.items()
    }
    counts = {'train': num_images - sum(counts.values()), **counts}
    if counts['train'] < 1:
        raise ValueError(f'num_images={num_images} is too few to fill the '
                         f'splits train/val/testA/testB; use at least 4')
    splits = np.repeat(list(counts), list(counts.values()))
    return [str(s) for s in rng.permutation(splits)]


def _sentences(expr: Expression, referents: Tuple[int, ...], scene: Scene,
               rng: np.random.Generator) -> List[str]:
    """One or two wordings of ``expr``, each checked by reading it back."""
    options = phrasings(expr)
    picks = rng.choice(
        len(options),
        size=min(len(options), int(rng.integers(1, 3))),
        replace=False)
    sentences = [options[i] for i in sorted(picks)]
    for sent in sentences:
        meaning = parse_expression(sent)
        if meaning != expr or resolve(meaning, scene) != referents:
            raise RuntimeError(f'sentence {sent!r} does not say {expr} or '
                               f'does not refer to objects {referents}')
    return sentences


def _summary(refs: Sequence[Dict[str, Any]],
             kinds: Sequence[str]) -> Dict[str, Any]:
    per_kind = Counter(r['sentences'][0]['kind'] for r in refs)
    return {
        'refs':
        dict(Counter(r['split'] for r in refs)),
        'sentences':
        dict(Counter(r['split'] for r in refs for _ in r['sentences'])),
        'kinds': {
            k: per_kind[k]
            for k in kinds
        },
    }


def grec_kind(referents: Sequence[int]) -> str:
    """'no_target', 'single' or 'multi' by the number of referents."""
    if not referents:
        return 'no_target'
    return 'single' if len(referents) == 1 else 'multi'


class _DatasetBuilder:
    """Collects the records of all images, numbering them as it goes."""

    def __init__(self) -> None:
        self.rec_balancer = KindBalancer(REC_KINDS)
        self.grec_balancer = KindBalancer(GREC_KINDS)
        self.ann_ids, self.ref_ids, self.sent_ids = count(1), count(), count()
        self.gref_ids, self.gsent_ids = count(), count()
        self.images: List[Dict[str, Any]] = []
        self.annotations: List[Dict[str, Any]] = []
        self.refs: List[Dict[str, Any]] = []
        self.grefs: List[Dict[str, Any]] = []

    def add_image(self, image_id: int, file_name: str, split: str,
                  scene: Scene, areas: Sequence[int],
                  rng: np.random.Generator) -> None:
        """Add an image, its objects, its REC refs and its gRefCOCO refs."""
        self.images.append(coco_image(image_id, file_name, scene))
        anns = [
            coco_annotation(next(self.ann_ids), image_id, obj, area)
            for obj, area in zip(scene.objects, areas)
        ]
        self.annotations += anns
        for expr, target in sample_rec(scene, rng, self.rec_balancer,
                                       int(rng.integers(1, 4))):
            sentences = [
                sentence_record(next(self.sent_ids), s, expr.kind)
                for s in _sentences(expr, (target, ), scene, rng)
            ]
            self.refs.append(
                refer_record(
                    next(self.ref_ids), image_id, file_name, split,
                    anns[target]['id'], anns[target]['category_id'],
                    sentences))
        for expr, referents in sample_grec(scene, rng, self.grec_balancer,
                                           int(rng.integers(1, 4))):
            sentences = [
                sentence_record(next(self.gsent_ids), s, grec_kind(referents))
                for s in _sentences(expr, referents, scene, rng)
            ]
            self.grefs.append(
                gref_record(
                    next(self.gref_ids), image_id, file_name, split,
                    [anns[i]['id'] for i in referents],
                    [anns[i]['category_id'] for i in referents], sentences))

    def write(self, ann_dir: str) -> None:
        """Write the annotation files and the vocabulary."""
        write_json(
            osp.join(ann_dir, 'instances.json'), {
                'images': self.images,
                'annotations': self.annotations,
                'categories': coco_categories()
            })
        write_pickle(osp.join(ann_dir, 'refs(unc).p'), self.refs)
        write_json(osp.join(ann_dir, 'grefs(unc).json'), self.grefs)
        write_vocab(osp.join(ann_dir, 'vocab.txt'), vocabulary())


def make_synthetic_dataset(out_dir: str,
                           num_images: int,
                           seed: int,
                           image_size: int = 128) -> Dict[str, Any]:
    """Generate the dataset under ``out_dir`` and return its counts.

    The same arguments always give the same bytes. Returns
    ``{'images': {split: n}, 'rec': {...}, 'grec': {...}}`` where each of
    ``rec``/``grec`` has ``refs`` and ``sentences`` per split and ``kinds``
    (refs per expression kind).
    """
    if image_size < 32:
        raise ValueError(f'image_size={image_size} is too small; use >= 32')
    splits = assign_splits(num_images, np.random.default_rng(seed))
    image_dir = osp.join(out_dir, 'images')
    ann_dir = osp.join(out_dir, 'synthetic')
    os.makedirs(image_dir, exist_ok=True)
    os.makedirs(ann_dir, exist_ok=True)
    builder = _DatasetBuilder()
    for index, split in enumerate(splits):
        # one generator per image: an image does not depend on the others
        rng = np.random.default_rng([seed, index])
        image_id, file_name = index + 1, IMAGE_NAME.format(index + 1)
        scene = sample_scene(rng, image_size)
        pixels, areas = render_scene(scene, rng)
        write_png(osp.join(image_dir, file_name), pixels)
        builder.add_image(image_id, file_name, split, scene, areas, rng)
    builder.write(ann_dir)
    return {
        'images': dict(Counter(splits)),
        'rec': _summary(builder.refs, REC_KINDS),
        'grec': _summary(builder.grefs, GREC_KINDS)
    }
