"""Tests of the synthetic grounding dataset generator and its file formats."""
import filecmp
import json
import os
import os.path as osp
import pickle
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from pycocotools.coco import COCO

from mmvg.datasets.synthetic import (Desc, Expression, Ordinal, Relation,
                                     Scene, SceneObject,
                                     make_synthetic_dataset, parse_expression,
                                     phrasings, resolve, vocabulary)
from mmvg.datasets.synthetic.attributes import COLORS, SHAPES
from mmvg.datasets.synthetic.scene import polygon_bbox

SIZE = 64
NUM_IMAGES = 20
SPLITS = {'train', 'val', 'testA', 'testB'}
REF_KEYS = {
    'ref_id', 'ann_id', 'image_id', 'split', 'sentences', 'sent_ids',
    'category_id', 'file_name'
}
SENT_KEYS = {'sent_id', 'sent', 'raw', 'tokens', 'kind'}


class NoGlobalsUnpickler(pickle.Unpickler):
    """Accepts builtin containers and scalars only: every global is refused."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f'global {module}.{name} is not allowed')


def load_refs(path):
    with open(path, 'rb') as f:
        return NoGlobalsUnpickler(f).load()


def assert_builtins_only(value):
    assert type(value) in (dict, list, str, int, float), type(value)
    if isinstance(value, dict):
        for k, v in value.items():
            assert type(k) is str
            assert_builtins_only(v)
    elif isinstance(value, list):
        for v in value:
            assert_builtins_only(v)


@pytest.fixture(scope='module')
def dataset(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('synthetic'))
    counts = make_synthetic_dataset(root, NUM_IMAGES, seed=3, image_size=SIZE)
    ann_dir = osp.join(root, 'synthetic')
    coco = COCO(osp.join(ann_dir, 'instances.json'))
    refs = load_refs(osp.join(ann_dir, 'refs(unc).p'))
    with open(osp.join(ann_dir, 'grefs(unc).json')) as f:
        grefs = json.load(f)
    return dict(root=root, counts=counts, coco=coco, refs=refs, grefs=grefs)


def scene_of(coco, image_id, flip=False):
    """The scene as the files describe it, and its annotation ids."""
    img = coco.imgs[image_id]
    w, h = img['width'], img['height']
    objects, ann_ids = [], []
    for ann in sorted(coco.imgToAnns[image_id], key=lambda a: a['id']):
        polygon = list(ann['segmentation'][0])
        if flip:
            polygon[0::2] = [w - x for x in polygon[0::2]]
        objects.append(
            SceneObject(coco.cats[ann['category_id']]['name'],
                        ann['attributes']['color'], ann['attributes']['size'],
                        polygon_bbox(polygon, w, h), tuple(polygon)))
        ann_ids.append(ann['id'])
    return Scene(w, h, tuple(objects)), ann_ids


MIRROR = {'left': 'right', 'right': 'left'}


def swap_left_right(sentence):
    return ' '.join(MIRROR.get(w, w) for w in sentence.split())


def mirrored(expr):
    """The meaning of ``expr`` in a horizontally flipped image."""
    if expr.ordinal is not None:
        side = MIRROR.get(expr.ordinal.side, expr.ordinal.side)
        return replace(expr, ordinal=replace(expr.ordinal, side=side))
    if expr.relation is not None:
        name = MIRROR.get(expr.relation.name, expr.relation.name)
        return replace(expr, relation=replace(expr.relation, name=name))
    return expr


def test_files_in_original_formats(dataset):
    root, coco = dataset['root'], dataset['coco']
    assert len(coco.imgs) == NUM_IMAGES
    assert sorted(c['name'] for c in coco.cats.values()) == sorted(SHAPES)
    for img in coco.imgs.values():
        path = osp.join(root, 'images', img['file_name'])
        with Image.open(path) as im:
            assert im.format == 'PNG' and im.mode == 'RGB'
            assert im.size == (img['width'], img['height'])
        for side in (img['width'], img['height']):
            assert 0.75 * SIZE - 1 <= side <= SIZE
        assert 3 <= len(coco.imgToAnns[img['id']]) <= 5
    for ann in coco.anns.values():
        assert ann['iscrowd'] == 0 and ann['area'] > 0
        assert ann['attributes']['color'] in COLORS

    refs = dataset['refs']
    assert_builtins_only(refs)
    for ref in refs:
        assert set(ref) == REF_KEYS and ref['split'] in SPLITS
        assert 1 <= len(ref['sentences']) <= 2
        assert ref['sent_ids'] == [s['sent_id'] for s in ref['sentences']]
        ann = coco.anns[ref['ann_id']]
        assert ann['image_id'] == ref['image_id']
        assert ann['category_id'] == ref['category_id']
        for sent in ref['sentences']:
            assert set(sent) == SENT_KEYS
            assert sent['tokens'] == sent['sent'].split()
            assert sent['raw'].lower() == sent['sent']
    for records in (refs, dataset['grefs']):
        per_image = Counter(r['image_id'] for r in records)
        assert set(per_image) == set(coco.imgs)
        assert max(per_image.values()) <= 3

    for gref in dataset['grefs']:
        assert set(gref) == REF_KEYS | {'no_target'}
        assert isinstance(gref['ann_id'], list)
        assert gref['no_target'] == (gref['ann_id'] == [-1])
        if not gref['no_target']:
            assert [coco.anns[i]['category_id']
                    for i in gref['ann_id']] == gref['category_id']
        else:
            assert gref['category_id'] == [-1]


def test_one_split_per_image(dataset):
    split_of = {}
    for ref in dataset['refs'] + dataset['grefs']:
        assert split_of.setdefault(ref['image_id'], ref['split']) == \
            ref['split']
    assert dataset['counts']['images'] == {
        'train': 16,
        'val': 2,
        'testA': 1,
        'testB': 1
    }


def test_boxes_and_masks_match_polygons(dataset):
    coco, root = dataset['coco'], dataset['root']
    for img in coco.imgs.values():
        w, h = img['width'], img['height']
        with Image.open(osp.join(root, 'images', img['file_name'])) as im:
            pixels = np.asarray(im.convert('RGB'), dtype=np.float64)
        for ann in coco.imgToAnns[img['id']]:
            x, y, bw, bh = ann['bbox']
            xs = ann['segmentation'][0][0::2]
            ys = ann['segmentation'][0][1::2]
            assert len(xs) >= 3
            np.testing.assert_allclose(
                [x, y, x + bw, y + bh],
                [min(xs), min(ys), max(xs), max(ys)],
                atol=1e-6)
            assert 0 <= x and 0 <= y and x + bw <= w and y + bh <= h
            mask = coco.annToMask(ann).astype(bool)
            assert mask.sum() == ann['area']
            # the shape is drawn with the annotation's colour, inside its mask
            mean = pixels[mask].mean(0)
            assert np.abs(mean - COLORS[ann['attributes']['color']]).max() < 20
        masks = [coco.annToMask(a) for a in coco.imgToAnns[img['id']]]
        assert np.sum(masks, axis=0).max() == 1  # shapes never overlap


def test_rec_expressions_select_exactly_their_target(dataset):
    coco = dataset['coco']
    for ref in dataset['refs']:
        for flip in (False, True):
            scene, ann_ids = scene_of(coco, ref['image_id'], flip)
            target = ann_ids.index(ref['ann_id'])
            for sent in ref['sentences']:
                text = swap_left_right(sent['sent']) if flip else sent['sent']
                expr = parse_expression(text)
                assert expr.kind == sent['kind'], text
                assert resolve(expr, scene) == (target, ), (text, flip)
                # each singular description is needed: alone, it is ambiguous
                if expr.kind != 'attribute':
                    assert len(
                        resolve(Expression(expr.desc, plural=True),
                                scene)) >= 2, text


def test_rec_kinds_are_balanced(dataset):
    kinds = [r['sentences'][0]['kind'] for r in dataset['refs']]
    assert len(
        set(s['kind'] for r in dataset['refs'] for s in r['sentences'])) == 3
    for kind in ('attribute', 'spatial', 'relational'):
        assert kinds.count(kind) >= 0.25 * len(kinds), kinds
    assert dataset['counts']['rec']['kinds'] == {
        k: kinds.count(k)
        for k in set(kinds)
    }


def test_grefs_select_their_targets(dataset):
    coco = dataset['coco']
    kinds = set()
    for gref in dataset['grefs']:
        scene, ann_ids = scene_of(coco, gref['image_id'])
        want = () if gref['no_target'] else tuple(
            ann_ids.index(i) for i in gref['ann_id'])
        for sent in gref['sentences']:
            assert resolve(parse_expression(sent['sent']), scene) == want
            assert sent['kind'] == {
                0: 'no_target',
                1: 'single'
            }.get(len(want), 'multi')
            kinds.add(sent['kind'])
    assert kinds == {'single', 'multi', 'no_target'}


def test_same_seed_same_bytes_other_seed_other_data(dataset, tmp_path):
    again, other = str(tmp_path / 'again'), str(tmp_path / 'other')
    make_synthetic_dataset(again, NUM_IMAGES, seed=3, image_size=SIZE)
    make_synthetic_dataset(other, NUM_IMAGES, seed=4, image_size=SIZE)
    for sub in ('images', 'synthetic'):
        names = sorted(os.listdir(osp.join(dataset['root'], sub)))
        assert names == sorted(os.listdir(osp.join(again, sub)))
        match, mismatch, errors = filecmp.cmpfiles(
            osp.join(dataset['root'], sub),
            osp.join(again, sub),
            names,
            shallow=False)
        assert not mismatch and not errors
    for name in ('instances.json', 'refs(unc).p', 'grefs(unc).json'):
        assert not filecmp.cmp(
            osp.join(dataset['root'], 'synthetic', name),
            osp.join(other, 'synthetic', name),
            shallow=False)


def test_vocab_covers_every_sentence(dataset):
    from transformers import BertTokenizer
    path = osp.join(dataset['root'], 'synthetic', 'vocab.txt')
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[:5] == ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    assert lines[5:] == sorted(set(lines[5:]))
    # transformers 5 ignores ``vocab_file=``; ``vocab=`` loads the file
    tokenizer = BertTokenizer(vocab=path)
    assert len(tokenizer) == len(lines)
    sentences = [
        s for r in dataset['refs'] + dataset['grefs'] for s in r['sentences']
    ]
    for sent in sentences:
        for text in (sent['sent'], sent['raw']):
            ids = tokenizer(text)['input_ids']
            assert tokenizer.unk_token_id not in ids, text
            assert len(ids) == len(sent['tokens']) + 2


def _expressions():
    """One expression of every wording case."""
    red, blue = Desc(color='red', shape='circle'), Desc('big', 'blue', None)
    square = Desc(shape='square')
    yield Expression(red)
    yield Expression(Desc('small', 'white', 'star'), plural=True)
    for count in (2, 3, 4, 5):
        yield Expression(square, plural=True, count=count)
    for side in ('left', 'right', 'top', 'bottom'):
        for rank in (0, 1, 2, 3):
            yield Expression(Desc(), Ordinal(side, rank))
        yield Expression(square, Ordinal(side, 0, side in ('left', 'right')))
    yield Expression(Desc(size='big'), Ordinal('middle'))
    for name in ('left', 'right', 'above', 'below'):
        yield Expression(square, relation=Relation(name, (red, )))
        yield Expression(square, relation=Relation(name, (red, )), plural=True)
    yield Expression(Desc(), relation=Relation('between', (red, blue)))
    yield Expression(
        square,
        relation=Relation('between', (blue, red)),
        plural=True,
        count=2)


def test_every_wording_reads_back_and_is_in_vocabulary():
    words = set(vocabulary())
    for expr in _expressions():
        sentences = phrasings(expr)
        assert len(sentences) >= 2 and len(set(sentences)) == len(sentences)
        for sent in sentences:
            assert parse_expression(sent) == expr, sent
            assert set(sent.split()) <= words, sent
            assert parse_expression(swap_left_right(sent)) == mirrored(expr)


def test_parse_rejects_sentences_outside_the_grammar():
    for bad in ('the blue', 'the circles', 'all circle', 'the leftmost circle',
                'the far top circle', 'the second circle',
                'the circle left of the squares'):
        with pytest.raises(ValueError, match='cannot parse'):
            parse_expression(bad)


def _row_scene(xs, shapes=('circle', ) * 3, color='red'):
    objects = [
        SceneObject(s, color, 'small', (x, 10.0, x + 10.0, 20.0))
        for x, s in zip(xs, shapes)
    ]
    return Scene(100, 100, tuple(objects))


def test_resolve_semantics():
    scene = _row_scene([5.0, 40.0, 80.0])  # three red circles in a row
    circle = Desc(shape='circle')
    assert resolve(Expression(circle), scene) is None  # ambiguous
    assert resolve(Expression(circle, plural=True, count=3),
                   scene) == (0, 1, 2)
    assert resolve(Expression(circle, plural=True, count=2), scene) is None
    assert resolve(Expression(circle, Ordinal('left', 0, True)),
                   scene) == (0, )
    assert resolve(Expression(circle, Ordinal('middle')), scene) == (1, )
    assert resolve(Expression(circle, Ordinal('right', 1)), scene) == (1, )
    assert resolve(Expression(Desc(color='blue')), scene) == ()  # no target
    # positions closer than the margin (5 px here) are unclear
    close = _row_scene([5.0, 8.0, 80.0])
    assert resolve(Expression(circle, Ordinal('left')), close) is None
    mixed = _row_scene([5.0, 40.0, 80.0], ('circle', 'square', 'circle'))
    left_of_square = Expression(
        circle, relation=Relation('left', (Desc(shape='square'), )))
    assert resolve(left_of_square, mixed) == (0, )
    between = Expression(
        Desc(), relation=Relation('between', (Desc(shape='square'), circle)))
    assert resolve(between, mixed) is None  # the anchor circle is not unique


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='num_images=3'):
        make_synthetic_dataset(str(tmp_path), 3, seed=0)
    with pytest.raises(ValueError, match='image_size=16'):
        make_synthetic_dataset(str(tmp_path), 10, seed=0, image_size=16)
    with pytest.raises(ValueError, match='cannot parse'):
        parse_expression('the red')
