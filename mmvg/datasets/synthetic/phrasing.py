"""Wording of expressions: every sentence an :class:`Expression` can take.

All horizontal words are the plain words "left" and "right", so swapping
them (as a horizontal flip does) turns each sentence into a correct one.
"""
from typing import List

from .attributes import COLORS, SHAPES, SIZES
from .expressions import SIDES, Desc, Expression

ORDINAL_WORDS = {1: 'second', 2: 'third', 3: 'fourth'}
COUNT_WORDS = {2: 'two', 3: 'three', 4: 'four', 5: 'five'}

#: Templates by case. ``{d}``: the description, ``{side}``, ``{ord}``,
#: ``{a}``/``{b}``: anchor descriptions, ``{rel}``: left/right.
ORDINAL_TEMPLATES = {
    'near': ('the {side} {d}', 'the {d} on the {side}'),
    'far': ('the far {side} {d}', 'the {d} on the far {side}'),
    'vertical': ('the {side} {d}', 'the {d} at the {side}'),
    'middle': ('the middle {d}', 'the {d} in the middle'),
    'ranked': ('the {ord} {d} from the {side}',
               'the {ord} {d} counting from the {side}'),
}
RELATION_TEMPLATES = {
    'left': (' {rel} of the {a}', ' to the {rel} of the {a}'),
    'right': (' {rel} of the {a}', ' to the {rel} of the {a}'),
    'above': (' above the {a}', ' over the {a}'),
    'below': (' below the {a}', ' under the {a}'),
    'between':
    (' between the {a} and the {b}', ' in between the {a} and the {b}'),
}
BARE_TAILS = ('', ' in the picture')
PLURAL_HEADS = {
    'all': ('all {d}', 'all the {d}'),
    'both': ('both {d}', 'the {count} {d}'),
    'counted': ('the {count} {d}', ),
}


def describe(desc: Desc, plural: bool = False) -> str:
    """Words of a description: "big red circle", "shapes"."""
    noun = desc.shape or 'shape'
    words = [desc.size, desc.color, noun + ('s' if plural else '')]
    return ' '.join(w for w in words if w is not None)


def _ordinal_case(expr: Expression) -> str:
    ordinal = expr.ordinal
    if ordinal.side == 'middle':
        return 'middle'
    if ordinal.rank > 0:
        return 'ranked'
    if ordinal.side in ('top', 'bottom'):
        return 'vertical'
    return 'far' if ordinal.far else 'near'


def _heads(expr: Expression) -> List[str]:
    if expr.ordinal is not None:
        return [
            t.format(
                d=describe(expr.desc),
                side=expr.ordinal.side,
                ord=ORDINAL_WORDS.get(expr.ordinal.rank))
            for t in ORDINAL_TEMPLATES[_ordinal_case(expr)]
        ]
    if not expr.plural:
        return ['the ' + describe(expr.desc)]
    case = ('all' if expr.count is None else
            'both' if expr.count == 2 else 'counted')
    count = None if expr.count is None else COUNT_WORDS[expr.count]
    return [
        t.format(d=describe(expr.desc, plural=True), count=count)
        for t in PLURAL_HEADS[case]
    ]


def _tails(expr: Expression) -> List[str]:
    if expr.ordinal is not None:
        return ['']
    if expr.relation is None:
        return list(BARE_TAILS)
    anchors = [describe(a) for a in expr.relation.anchors]
    return [
        t.format(rel=expr.relation.name, a=anchors[0], b=anchors[-1])
        for t in RELATION_TEMPLATES[expr.relation.name]
    ]


def phrasings(expr: Expression) -> List[str]:
    """All sentences that say ``expr``, the plainest first."""
    return [head + tail for tail in _tails(expr) for head in _heads(expr)]


def vocabulary() -> List[str]:
    """Every word any sentence can contain, sorted."""
    templates = [
        *BARE_TAILS, *(t for ts in ORDINAL_TEMPLATES.values() for t in ts),
        *(t for ts in RELATION_TEMPLATES.values() for t in ts),
        *(t for ts in PLURAL_HEADS.values() for t in ts), 'the'
    ]
    words = {w for t in templates for w in t.split() if not w.startswith('{')}
    nouns = (*SHAPES, 'shape')
    words.update(nouns, (n + 's' for n in nouns), COLORS, SIZES,
                 ORDINAL_WORDS.values(), COUNT_WORDS.values(), SIDES)
    return sorted(words)
