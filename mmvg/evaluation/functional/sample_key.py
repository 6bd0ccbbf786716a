"""Identify evaluation samples by (ref_id, sent_id); check result lists."""
from collections import Counter
from typing import Any, Hashable, Mapping, Sequence, Tuple

import numpy as np


def _plain(value: Any) -> Hashable:
    """Turn numpy scalars into Python ones so keys from JSON compare equal."""
    return value.item() if isinstance(value, np.generic) else value


def sample_key(sample: Mapping) -> Tuple[Hashable, Hashable]:
    """Return the ``(ref_id, sent_id)`` key of a sample or prediction record.

    One evaluation sample is one (image, expression) pair, named by the ref
    and the sentence it comes from.
    """
    missing = [k for k in ('ref_id', 'sent_id') if k not in sample]
    if missing:
        raise KeyError(f'Sample {dict(img_path=sample.get("img_path"))} '
                       f'lacks {missing}; grounding samples must carry '
                       '`ref_id` and `sent_id`.')
    return _plain(sample['ref_id']), _plain(sample['sent_id'])


def check_results(results: Sequence[Mapping], owner: str) -> None:
    """Raise if there are no results or two share a ``key`` (a sample
    evaluated twice).

    mmengine's ``collect_results`` already drops the copies that a
    distributed sampler pads; what is left over must be unique, otherwise
    the dataset (or a custom sampler) repeats samples and inflates scores.

    Args:
        results: per-sample results, each with a ``key`` item.
        owner: name of the metric, for the error message.
    """
    if not results:
        raise ValueError(f'{owner} got no results; nothing was evaluated.')
    counts = Counter(result['key'] for result in results)
    duplicated = {key: n for key, n in counts.items() if n > 1}
    if duplicated:
        examples = list(duplicated.items())[:5]
        raise ValueError(
            f'{owner} got {len(results)} results for {len(counts)} distinct '
            f'(ref_id, sent_id) samples: {len(duplicated)} samples are '
            f'duplicated, e.g. (key, count) {examples}. Each sample must be '
            'evaluated once; check the dataset and sampler.')
