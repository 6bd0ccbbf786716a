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
from typing import Optional, Sequence

from mmvg.datasets.synthetic import read_vocab_words
from mmvg.datasets.synthetic.writer import train_spm


def make_synthetic_spm(data_root: str) -> str:
    """Write ``data_root/synthetic/spm.model`` and return its path."""
    ann_dir = osp.join(data_root, 'synthetic')
    words = read_vocab_words(osp.join(ann_dir, 'vocab.txt'))
    return train_spm(words, osp.join(ann_dir, 'spm'))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='root of the synthetic dataset')
    args = parser.parse_args(argv)
    print(f'wrote {make_synthetic_spm(args.data_root)}')


if __name__ == '__main__':
    main()
