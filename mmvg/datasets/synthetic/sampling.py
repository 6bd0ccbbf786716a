"""Choosing what to say about a scene.

Each sampler proposes every expression of its kind, keeps those whose
meaning resolves on the scene to the wanted objects (see
:func:`~.expressions.resolve`), and draws one of them.
"""
from itertools import combinations, product
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .attributes import COLORS, SHAPES, SIZES
from .expressions import (SIDES, Desc, Expression, Ordinal, Relation, matching,
                          resolve)
from .scene import Scene

REC_KINDS = ('attribute', 'spatial', 'relational')
GREC_KINDS = ('single', 'multi', 'no_target')
PAIR_RELATIONS = ('left', 'right', 'above', 'below')
Referents = Tuple[int, ...]


def _pick(rng: np.random.Generator, items: Sequence):
    return items[rng.integers(len(items))] if items else None


def _pick_valid(rng: np.random.Generator, items: Sequence,
                valid: Callable[[Any], bool]):
    """A uniform draw among the valid items, testing as few as needed."""
    return next(
        (items[i] for i in rng.permutation(len(items)) if valid(items[i])),
        None)


def descriptions_of(scene: Scene, index: int) -> List[Desc]:
    """All eight descriptions an object fits, fewest attributes first."""
    obj = scene.objects[index]
    descs = [
        Desc(obj.size if s else None, obj.color if c else None,
             obj.shape if h else None)
        for s, c, h in product((False, True), repeat=3)
    ]
    return sorted(descs, key=lambda d: d.num_attributes)


def unique_descriptions(scene: Scene, index: int) -> List[Desc]:
    """The shortest descriptions that fit this object only."""
    unique = [
        d for d in descriptions_of(scene, index)
        if matching(d, scene) == [index]
    ]
    return [d for d in unique
            if d.num_attributes == unique[0].num_attributes] if unique else []


def attribute_expression(scene: Scene, target: int,
                         rng: np.random.Generator) -> Optional[Expression]:
    """The shortest unique description, e.g. "the red circle"."""
    desc = _pick(rng, unique_descriptions(scene, target))
    return None if desc is None else Expression(desc)


def _ordinals(group_size: int) -> List[Ordinal]:
    """Positions worth naming in a group: the ends, then inner ranks."""
    inner = range(1, (group_size - 1) // 2 + 1)
    far = group_size >= 3
    ordinals = [
        Ordinal(side, 0, far and side in ('left', 'right')) for side in SIDES
    ]
    if group_size == 3:
        return ordinals + [Ordinal('middle')] + [
            Ordinal(side, 1) for side in ('top', 'bottom')
        ]
    return ordinals + [Ordinal(side, rank) for side in SIDES for rank in inner]


def spatial_expression(scene: Scene, target: int,
                       rng: np.random.Generator) -> Optional[Expression]:
    """A position in a shared group: "the second square from the left"."""
    candidates = []
    for desc in descriptions_of(scene, target):
        size = len(matching(desc, scene))
        if size >= 2:
            candidates += [Expression(desc, o) for o in _ordinals(size)]
    return _pick_valid(rng, candidates, lambda e: resolve(e, scene) ==
                       (target, ))


def _anchors(scene: Scene, exclude: int,
             rng: np.random.Generator) -> Dict[int, Desc]:
    """A shortest unique description of every other describable object."""
    found = {}
    for i in range(len(scene.objects)):
        desc = None if i == exclude else _pick(rng,
                                               unique_descriptions(scene, i))
        if desc is not None:
            found[i] = desc
    return found


def _relations(anchors: Dict[int, Desc],
               rng: np.random.Generator) -> List[Relation]:
    relations = [
        Relation(name, (a, )) for a in anchors.values()
        for name in PAIR_RELATIONS
    ]
    for a, b in combinations(anchors.values(), 2):
        pair = (a, b) if rng.random() < 0.5 else (b, a)
        relations.append(Relation('between', pair))
    return relations


def relational_expression(scene: Scene, target: int,
                          rng: np.random.Generator) -> Optional[Expression]:
    """A relation the target needs: "the circle left of the green triangle".
    """
    relations = _relations(_anchors(scene, target, rng), rng)
    candidates = [
        Expression(desc, relation=relation)
        for desc in descriptions_of(scene, target)
        if len(matching(desc, scene)) >= 2 for relation in relations
    ]
    return _pick_valid(rng, candidates, lambda e: resolve(e, scene) ==
                       (target, ))


REC_SAMPLERS: Dict[str, Callable[..., Optional[Expression]]] = {
    'attribute': attribute_expression,
    'spatial': spatial_expression,
    'relational': relational_expression,
}


def multi_expression(scene: Scene,
                     rng: np.random.Generator) -> Optional[Expression]:
    """Two or more referents: "all red shapes", "both big squares"."""
    descs = sorted(
        {
            d
            for i in range(len(scene.objects))
            for d in descriptions_of(scene, i)
        },
        key=lambda d: (d.num_attributes, repr(d)))
    bare = [Expression(d, plural=True) for d in descs if d.num_attributes]
    relations = _relations(_anchors(scene, -1, rng), rng)
    related = [
        Expression(d, relation=r, plural=True) for d in descs
        for r in relations
    ]
    expr = None
    for group in (bare, related) if rng.random() < 0.5 else (related, bare):
        expr = _pick_valid(rng, group,
                           lambda e: len(resolve(e, scene) or ()) >= 2)
        if expr is not None:
            break
    if expr is None or rng.random() < 0.5:
        return expr
    return Expression(
        expr.desc,
        relation=expr.relation,
        plural=True,
        count=len(resolve(expr, scene)))


def no_target_expression(scene: Scene,
                         rng: np.random.Generator) -> Optional[Expression]:
    """Attributes that occur, but never together: "the yellow star"."""
    present = [{getattr(o, key)
                for o in scene.objects} for key in ('size', 'color', 'shape')]
    absent = [
        Desc(*values)
        for values in product((None, *SIZES), (None, *COLORS), (None, *SHAPES))
        if any(values) and not matching(Desc(*values), scene)
    ]
    hard = [
        d for d in absent if d.num_attributes >= 2 and all(
            v is None or v in have
            for v, have in zip((d.size, d.color, d.shape), present))
    ]
    desc = _pick(rng, hard or absent)
    return None if desc is None else Expression(desc)


class KindBalancer:
    """Keeps the counts of expression kinds level over a whole dataset."""

    def __init__(self, kinds: Sequence[str]) -> None:
        self.counts = dict.fromkeys(kinds, 0)

    def order(self, rng: np.random.Generator) -> List[str]:
        """Kinds to try, least used first (ties in random order)."""
        noise = rng.random(len(self.counts))
        return [
            k for _, _, k in sorted(
                zip(self.counts.values(), noise, self.counts))
        ]

    def add(self, kind: str) -> None:
        self.counts[kind] += 1


def sample_rec(scene: Scene, rng: np.random.Generator, balancer: KindBalancer,
               num: int) -> List[Tuple[Expression, int]]:
    """Up to ``num`` refs, each to a different object by one expression."""
    refs: List[Tuple[Expression, int]] = []
    for _ in range(num):
        used = {t for _, t in refs}
        free = [
            int(t) for t in rng.permutation(len(scene.objects))
            if t not in used
        ]
        found = next(((kind, expr, t) for kind in balancer.order(rng)
                      for t in free
                      for expr in [REC_SAMPLERS[kind](scene, t, rng)]
                      if expr is not None), None)
        if found is None:
            break
        balancer.add(found[0])
        refs.append(found[1:])
    return refs


def _grec_expression(kind: str, scene: Scene,
                     rng: np.random.Generator) -> Optional[Expression]:
    if kind == 'multi':
        return multi_expression(scene, rng)
    if kind == 'no_target':
        return no_target_expression(scene, rng)
    target = int(rng.integers(len(scene.objects)))
    return REC_SAMPLERS[_pick(rng, REC_KINDS)](scene, target, rng)


def sample_grec(scene: Scene, rng: np.random.Generator, balancer: KindBalancer,
                num: int) -> List[Tuple[Expression, Referents]]:
    """Up to ``num`` distinct gRefCOCO-style expressions with 0..N targets."""
    refs: List[Tuple[Expression, Referents]] = []
    for _ in range(num):
        seen = {e for e, _ in refs}
        for kind in balancer.order(rng):
            expr = _grec_expression(kind, scene, rng)
            if expr is not None and expr not in seen:
                balancer.add(kind)
                refs.append((expr, resolve(expr, scene)))
                break
    return refs
