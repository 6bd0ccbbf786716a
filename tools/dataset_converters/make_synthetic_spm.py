"""Train the sentencepiece model that BEiT-3 configs use on the synthetic set.

The synthetic generator writes a word vocabulary (``synthetic/vocab.txt``,
BERT special tokens first). BEiT-3 tokenizes with sentencepiece, so this
script trains a word-level sentencepiece model over those words,
deterministically (one thread, fixed order), and writes
``DATA_ROOT/synthetic/spm.model``.

Example::

    python tools/dataset_converters/make_synthetic_spm.py data/synthetic
"""
import argparse
import os.path as osp
from typing import List, Optional, Sequence

from mmvg.datasets.synthetic.writer import BERT_SPECIAL_TOKENS, train_spm


def read_words(vocab_file: str) -> List[str]:
    """The words of a synthetic ``vocab.txt``, specials dropped."""
    if not osp.isfile(vocab_file):
        raise FileNotFoundError(
            f'{vocab_file} not found: generate the synthetic dataset first '
            '(tools/dataset_converters/make_synthetic_refs.py)')
    with open(vocab_file, encoding='utf-8') as f:
        words = [line.strip() for line in f]
    words = [w for w in words if w and w not in BERT_SPECIAL_TOKENS]
    if not words:
        raise ValueError(f'{vocab_file} holds no words')
    return words


def make_synthetic_spm(data_root: str) -> str:
    """Write ``data_root/synthetic/spm.model`` and return its path."""
    ann_dir = osp.join(data_root, 'synthetic')
    return train_spm(
        read_words(osp.join(ann_dir, 'vocab.txt')), osp.join(ann_dir, 'spm'))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='root of the synthetic dataset')
    args = parser.parse_args(argv)
    print(f'wrote {make_synthetic_spm(args.data_root)}')


if __name__ == '__main__':
    main()
