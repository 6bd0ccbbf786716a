"""Reading sentences back into :class:`Expression` s.

The generator parses every sentence it writes and checks that the result
is the expression it meant, so the wording in the files and the meaning
that was verified on the scene cannot drift apart. A regular expression is
enough because the grammar is closed and small.
"""
import re
from typing import Dict, Optional

from .attributes import COLORS, SHAPES, SIZES
from .expressions import Desc, Expression, Ordinal, Relation
from .phrasing import COUNT_WORDS, ORDINAL_WORDS


def _alternatives(words) -> str:
    return '|'.join(sorted(words, key=len, reverse=True))


def _desc_pattern(name: str) -> str:
    return (f'(?:(?P<{name}_size>{_alternatives(SIZES)}) )?'
            f'(?:(?P<{name}_color>{_alternatives(COLORS)}) )?'
            f'(?P<{name}_noun>{_alternatives((*SHAPES, "shape"))})'
            f'(?P<{name}_plural>s?)')


_COUNTS = {word: n for n, word in COUNT_WORDS.items()}
_RANKS = {word: n for n, word in ORDINAL_WORDS.items()}
_PATTERN = re.compile(
    '(?P<quant>all the|all|both|the (?P<count>{counts})|the) '
    '(?:(?P<pre_far>far )?(?P<pre>left|right|top|bottom|middle|{ranks}) )?'
    '{d}'
    '(?: on the (?P<post_far>far )?(?P<post_h>left|right)'
    '| at the (?P<post_v>top|bottom)'
    '|(?P<post_mid> in the middle)'
    '| (?:counting )?from the (?P<from>left|right|top|bottom))?'
    '(?: (?:to the )?(?P<rel_h>left|right) of the {a}'
    '| (?P<rel_v>above|over|below|under) the {av}'
    '| (?:in )?between the {a2} and the {b})?'
    '(?P<tail> in the picture)?'.format(
        counts=_alternatives(_COUNTS),
        ranks=_alternatives(_RANKS),
        d=_desc_pattern('d'),
        a=_desc_pattern('a'),
        av=_desc_pattern('av'),
        a2=_desc_pattern('a2'),
        b=_desc_pattern('b')))
_VERTICAL = {
    'above': 'above',
    'over': 'above',
    'below': 'below',
    'under': 'below'
}


def _desc(groups: Dict[str, Optional[str]], name: str) -> Desc:
    noun = groups[f'{name}_noun']
    return Desc(groups[f'{name}_size'], groups[f'{name}_color'],
                None if noun == 'shape' else noun)


def _ordinal(g: Dict[str, Optional[str]]) -> Optional[Ordinal]:
    pre, far = g['pre'], bool(g['pre_far'] or g['post_far'])
    if (pre in _RANKS) != (g['from'] is not None):
        raise ValueError('an ordinal word goes with "from the ..."')
    if pre in _RANKS:
        return Ordinal(g['from'], _RANKS[pre])
    sides = [
        s for s in (pre, g['post_h'], g['post_v'], g['post_mid'] and 'middle')
        if s
    ]
    if len(sides) > 1:
        raise ValueError('two positions given')
    if not sides:
        return None
    if far and sides[0] not in ('left', 'right'):
        raise ValueError('"far" goes with left or right only')
    return Ordinal(sides[0], 0, far)


def _relation(g: Dict[str, Optional[str]]) -> Optional[Relation]:
    if g['rel_h']:
        return Relation(g['rel_h'], (_desc(g, 'a'), ))
    if g['rel_v']:
        return Relation(_VERTICAL[g['rel_v']], (_desc(g, 'av'), ))
    if g['b_noun']:
        return Relation('between', (_desc(g, 'a2'), _desc(g, 'b')))
    return None


def parse_expression(sentence: str) -> Expression:
    """The meaning of a sentence of the synthetic grammar.

    Raises:
        ValueError: naming the sentence, if it is not in the grammar.
    """
    match = _PATTERN.fullmatch(sentence)
    try:
        if match is None:
            raise ValueError('no rule matches')
        g = match.groupdict()
        if any(g[f'{n}_plural'] for n in ('a', 'av', 'a2', 'b')):
            raise ValueError('anchors are singular')
        plural = bool(g['d_plural'])
        count = 2 if g['quant'] == 'both' else _COUNTS.get(g['count'])
        if plural != (g['quant'] != 'the'):
            raise ValueError('quantifier and noun disagree in number')
        ordinal, relation = _ordinal(g), _relation(g)
        if g['tail'] and (ordinal or relation):
            raise ValueError('"in the picture" ends bare descriptions only')
        return Expression(
            _desc(g, 'd'), ordinal, relation, plural=plural, count=count)
    except ValueError as err:
        raise ValueError(
            f'cannot parse expression {sentence!r}: {err}') from err
