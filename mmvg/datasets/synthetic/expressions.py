"""Meaning of referring expressions and its evaluation on a scene.

An :class:`Expression` is what a sentence means; :func:`resolve` returns the
objects it refers to. Spatial comparisons are three-valued: positions closer
than the scene margin are *unclear*, and an expression that depends on an
unclear comparison resolves to ``None`` (ill-posed), so every accepted
expression stays correct however a reader judges borderline positions.
"""
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from .scene import Scene, SceneObject

SIDES = ('left', 'right', 'top', 'bottom')
RELATIONS = ('left', 'right', 'above', 'below', 'between')
Truth = Optional[bool]  # None: too close to call


@dataclass(frozen=True)
class Desc:
    """A noun phrase: attributes an object must have (None: any)."""

    size: Optional[str] = None
    color: Optional[str] = None
    shape: Optional[str] = None

    @property
    def num_attributes(self) -> int:
        return sum(v is not None for v in (self.size, self.color, self.shape))

    def matches(self, obj: SceneObject) -> bool:
        return ((self.size is None or self.size == obj.size)
                and (self.color is None or self.color == obj.color)
                and (self.shape is None or self.shape == obj.shape))


@dataclass(frozen=True)
class Ordinal:
    """Position among the objects matching a description.

    ``side`` is one of :data:`SIDES` or ``'middle'``; ``rank`` counts the
    objects before it from that side. ``far`` only changes the wording
    ("the far left circle"), used when three or more objects compete.
    """

    side: str
    rank: int = 0
    far: bool = False


@dataclass(frozen=True)
class Relation:
    """A relation to uniquely described anchor objects (two for between)."""

    name: str
    anchors: Tuple[Desc, ...]


@dataclass(frozen=True)
class Expression:
    """Meaning of a referring expression.

    Singular expressions refer to at most one object; ``plural`` ones
    ("all red shapes") to any number; ``count`` demands an exact number
    ("the two circles", "both circles").
    """

    desc: Desc
    ordinal: Optional[Ordinal] = None
    relation: Optional[Relation] = None
    plural: bool = False
    count: Optional[int] = None

    def __post_init__(self) -> None:
        if self.ordinal is not None and (self.relation is not None
                                         or self.plural):
            raise ValueError(f'an ordinal expression is singular and has no '
                             f'relation: {self}')
        if self.ordinal is not None and self.ordinal.side not in (*SIDES,
                                                                  'middle'):
            raise ValueError(f'unknown ordinal side in {self}')
        if self.relation is not None:
            want = 2 if self.relation.name == 'between' else 1
            if (self.relation.name not in RELATIONS
                    or len(self.relation.anchors) != want):
                raise ValueError(f'bad relation in {self}')
        if self.count is not None and not self.plural:
            raise ValueError(f'a counted expression is plural: {self}')

    @property
    def kind(self) -> str:
        """'spatial', 'relational' or 'attribute'."""
        if self.ordinal is not None:
            return 'spatial'
        return 'attribute' if self.relation is None else 'relational'


def _before(u: float, v: float, margin: float) -> Truth:
    """Whether ``u`` lies at or before ``v``; None inside the margin."""
    if u <= v:
        return True
    return False if u >= v + margin else None


def _all(values: List[Truth]) -> Truth:
    if False in values:
        return False
    return None if None in values else True


def _any(values: List[Truth]) -> Truth:
    if True in values:
        return True
    return None if None in values else False


def _between(o: SceneObject, a: SceneObject, b: SceneObject,
             margin: float) -> Truth:
    """``o`` lies between ``a`` and ``b`` along x or along y."""
    options = []
    for lo, hi in ((0, 2), (1, 3)):
        for first, last in ((a, b), (b, a)):
            options.append(
                _all([
                    _before(first.bbox[hi], o.bbox[lo], margin),
                    _before(o.bbox[hi], last.bbox[lo], margin)
                ]))
    return _any(options)


def relation_truth(name: str, obj: SceneObject,
                   anchors: Tuple[SceneObject, ...], margin: float) -> Truth:
    """Whether ``obj`` stands in relation ``name`` to ``anchors``."""
    a = anchors[0]
    if name == 'left':
        return _before(obj.bbox[2], a.bbox[0], margin)
    if name == 'right':
        return _before(a.bbox[2], obj.bbox[0], margin)
    if name == 'above':
        return _before(obj.bbox[3], a.bbox[1], margin)
    if name == 'below':
        return _before(a.bbox[3], obj.bbox[1], margin)
    return _between(obj, a, anchors[1], margin)


def _side_key(side: str) -> Callable[[SceneObject], float]:
    axis = 0 if side in ('left', 'right', 'middle') else 1
    sign = -1.0 if side in ('right', 'bottom') else 1.0
    return lambda obj: sign * obj.center[axis]


def _ordinal_select(group: List[int], scene: Scene,
                    ordinal: Ordinal) -> Optional[Tuple[int, ...]]:
    """The member of ``group`` at ``ordinal``; None if positions are unclear.
    """
    key = _side_key(ordinal.side)
    keys = [key(scene.objects[i]) for i in group]
    selected = []
    for i, k in enumerate(keys):
        others = keys[:i] + keys[i + 1:]
        if any(abs(k - o) < scene.margin for o in others):
            return None
        before = sum(o < k for o in others)
        after = len(others) - before
        want = after if ordinal.side == 'middle' else ordinal.rank
        if before == want:
            selected.append(group[i])
    return tuple(selected)


def matching(desc: Desc, scene: Scene) -> List[int]:
    """Indices of the objects that fit a description."""
    return [i for i, obj in enumerate(scene.objects) if desc.matches(obj)]


def resolve(expr: Expression, scene: Scene) -> Optional[Tuple[int, ...]]:
    """Indices of the objects ``expr`` refers to, or None if ill-posed.

    Ill-posed: an anchor is not unique, a needed comparison is unclear, a
    singular expression fits several objects, or a count does not hold.
    """
    group = matching(expr.desc, scene)
    if expr.ordinal is not None:
        found = _ordinal_select(group, scene, expr.ordinal)
    elif expr.relation is not None:
        anchors = []
        for desc in expr.relation.anchors:
            hits = matching(desc, scene)
            if len(hits) != 1:
                return None
            anchors.append(hits[0])
        anchor_objs = tuple(scene.objects[i] for i in anchors)
        truths = {
            i:
            relation_truth(expr.relation.name, scene.objects[i], anchor_objs,
                           scene.margin)
            for i in group if i not in anchors
        }
        if None in truths.values():
            return None
        found = tuple(i for i, truth in truths.items() if truth)
    else:
        found = tuple(group)
    if found is None:
        return None
    if not expr.plural and len(found) > 1:
        return None
    if expr.count is not None and len(found) != expr.count:
        return None
    return found
