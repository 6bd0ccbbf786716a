"""Describe a sample in error messages, so bad data can be found quickly."""

_KEYS = ('ref_id', 'sent_id', 'img_id', 'img_path')


def describe_sample(results: dict) -> str:
    """Return ``"ref_id=.., sent_id=.., img_id=.., img_path=.."`` for the
    identifying keys present in a pipeline ``results`` dict."""
    parts = [f'{key}={results[key]!r}' for key in _KEYS if key in results]
    return ', '.join(parts) if parts else 'sample without ids'
