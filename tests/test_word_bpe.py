"""write_word_bpe: CLIP tokenizer files in which every listed word is one
token."""
import json
import os.path as osp

from mmvg.datasets.synthetic import vocabulary
from mmvg.models.language_models import write_word_bpe


def test_every_word_is_one_token_and_other_text_still_tokenizes(tmp_path):
    words = vocabulary()
    tokenizer = write_word_bpe(words, str(tmp_path))
    assert all(tokenizer.tokenize(w) == [f'{w}</w>'] for w in words)
    assert tokenizer.tokenize('the qx') == ['the</w>', 'q', 'x</w>']
    ids = tokenizer('the red circle')['input_ids']
    assert ids[0] == tokenizer.bos_token_id
    assert ids[-1] == tokenizer.eos_token_id and len(ids) == 5
    vocab = json.loads((tmp_path / 'vocab.json').read_text())
    assert sorted(vocab.values()) == list(range(len(vocab)))
    assert len(tokenizer) == len(vocab)


def test_words_split_by_earlier_merges_get_later_rounds(tmp_path):
    """'ed' joins e + d first, so 'red' meets (r, ed) and not its own
    first merge (r, e): a second round joins it."""
    tokenizer = write_word_bpe(['ed', 'red'], str(tmp_path))
    assert tokenizer.tokenize('red ed') == ['red</w>', 'ed</w>']
    merges = (tmp_path / 'merges.txt').read_text().splitlines()
    assert merges == [
        '#version: 0.2', 'e d</w>', 'r e', 're d</w>', 'r ed</w>'
    ]


def test_files_are_deterministic(tmp_path):
    for name in ('a', 'b'):
        write_word_bpe(['the', 'red', 'circle'], str(tmp_path / name))
    for file in ('vocab.json', 'merges.txt'):
        assert open(osp.join(tmp_path, 'a', file)).read() == open(
            osp.join(tmp_path, 'b', file)).read()
