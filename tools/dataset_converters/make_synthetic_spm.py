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


def train_spm(words: Sequence[str], model_prefix: str) -> str:
    """Train a word-level model with one piece per word; returns its path."""
    import sentencepiece as spm
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(words),
        model_prefix=model_prefix,
        model_type='word',
        vocab_size=len(words) + 3,  # + <unk>, <s>, </s>
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2)
    return f'{model_prefix}.model'


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
