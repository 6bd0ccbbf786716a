"""CLIP tokenizer files (byte-level BPE) for a closed list of words, so a
CLIP trained from scratch on the synthetic set reads each word as one
token."""
import json
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

from tokenizers.pre_tokenizers import ByteLevel
from transformers import CLIPTokenizer

CLIP_SPECIAL_TOKENS = ('<|startoftext|>', '<|endoftext|>')

Merge = Tuple[str, str]


def _write(folder: str, merges: List[Merge]) -> CLIPTokenizer:
    """Write ``vocab.json`` (every byte alone and word-final, then each
    merge's product once, then CLIP's special tokens) and ``merges.txt``.
    """
    alphabet = sorted(ByteLevel.alphabet())
    tokens = dict.fromkeys([
        *alphabet, *(f'{char}</w>' for char in alphabet),
        *(left + right for left, right in merges), *CLIP_SPECIAL_TOKENS
    ])
    vocab: Dict[str, int] = {token: i for i, token in enumerate(tokens)}
    with open(osp.join(folder, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(vocab, f)
    with open(osp.join(folder, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n')
        f.writelines(f'{left} {right}\n' for left, right in merges)
    return CLIPTokenizer.from_pretrained(folder)


def write_word_bpe(words: Sequence[str], folder: str) -> CLIPTokenizer:
    """Write CLIP's ``vocab.json`` + ``merges.txt`` to ``folder``, in which
    each of ``words`` is one token and any other text still tokenizes (into
    bytes); return the tokenizer they make.

    Merges are added in rounds, each after all earlier ones: a word still
    in several pieces gets the merges that join its pieces left to right.
    A later merge never applies while an earlier one can, so words already
    whole stay whole, and every round joins at least one pair of each
    split word: the rounds end.
    """
    os.makedirs(folder, exist_ok=True)
    merges: List[Merge] = []
    tokenizer = _write(folder, merges)
    while True:
        added: List[Merge] = []
        for word in words:
            pieces = tokenizer.tokenize(word)
            for right in pieces[1:]:
                merge = (pieces[0], right)
                pieces[0] += right
                if merge not in merges and merge not in added:
                    added.append(merge)
        if not added:
            return tokenizer
        merges += added
        tokenizer = _write(folder, merges)
