"""BEiT3Tokenizer against sentencepiece itself, with a tiny model trained
here: fairseq ids are <s>=0, <pad>=1, </s>=2, <unk>=3, piece = spm id + 1."""
import logging
from unittest import mock

import pytest
import torch

from mmvg.models.language_models.beit3_tokenizer import (BEiT3Tokenizer,
                                                         clean_expression)
from mmvg.registry import TASK_UTILS

spm = pytest.importorskip('sentencepiece')

SENTENCES = [
    'the red ball on the left', 'a small blue square above the green circle',
    'the second cube from the left', 'big yellow triangle between circles',
    'man in a red shirt next to the blue car'
]


@pytest.fixture(scope='module')
def spm_path(tmp_path_factory):
    prefix = tmp_path_factory.mktemp('spm') / 'tiny'
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES * 10),
        model_prefix=str(prefix),
        vocab_size=60,
        hard_vocab_limit=False,
        num_threads=1,
        character_coverage=1.0,
        minloglevel=2)
    return f'{prefix}.model'


def fairseq_ids(spm_path, text):
    """The fairseq rule, computed from sentencepiece directly."""
    processor = spm.SentencePieceProcessor(model_file=spm_path)
    return [
        3 if i == processor.unk_id() else i + 1 for i in processor.encode(text)
    ]


def test_ids_follow_the_fairseq_rule(spm_path):
    tokenizer = BEiT3Tokenizer(spm_path, max_length=20)
    texts = ['the red ball', 'Zebra QQ left', 'circle']
    out = tokenizer(texts)
    assert out['text_ids'].shape == out['text_padding_mask'].shape == (3, 20)
    assert out['text_ids'].dtype == torch.long
    for row, text in enumerate(texts):
        pieces = fairseq_ids(spm_path, text)
        expected = [0, *pieces, 2] + [1] * (18 - len(pieces))
        assert out['text_ids'][row].tolist() == expected
        assert out['text_padding_mask'][row].tolist() == ([False] *
                                                          (len(pieces) + 2) +
                                                          [True] *
                                                          (18 - len(pieces)))
    assert 3 in out['text_ids'][1].tolist()  # unseen letters -> <unk>
    assert out['text_ids'][0].tolist()[1] > 3  # real pieces shifted past 3


def test_truncation_is_counted(spm_path):
    tokenizer = BEiT3Tokenizer(spm_path, max_length=5)
    long_text = SENTENCES[1]
    with mock.patch(f'{BEiT3Tokenizer.__module__}.print_log') as log:
        out = tokenizer([long_text, 'the', long_text])
        tokenizer([long_text])
    assert tokenizer.num_truncated == 3
    messages = [call.args[0] for call in log.call_args_list]
    assert messages == [
        '2 of 3 expressions cut to 5 tokens (2 so far)',
        '1 of 1 expressions cut to 5 tokens (3 so far)'
    ]
    assert log.call_args.kwargs['level'] == logging.WARNING
    assert out['text_ids'][0].tolist() == [
        0, *fairseq_ids(spm_path, long_text)[:3], 2
    ]
    assert not out['text_padding_mask'][0].any()


def test_clean_text(spm_path):
    assert clean_expression("The man's RED-shirt/hat, left!") == \
        'the mans red shirt hat left'
    tokenizer = BEiT3Tokenizer(spm_path, clean_text=True)
    assert tokenizer.encode('The RED-ball!') == fairseq_ids(
        spm_path, 'the red ball')


def test_bad_inputs(spm_path, tmp_path):
    tokenizer = BEiT3Tokenizer(spm_path)
    with pytest.raises(ValueError, match="'   ' yields no tokens"):
        tokenizer(['the ball', '   '])
    with pytest.raises(TypeError, match='sequence of strings'):
        tokenizer('the ball')
    with pytest.raises(ValueError, match='missing.spm'):
        BEiT3Tokenizer(str(tmp_path / 'missing.spm'))
    with pytest.raises(ValueError, match='max_length'):
        BEiT3Tokenizer(spm_path, max_length=2)


def test_registry_and_vocab_size(spm_path):
    tokenizer = TASK_UTILS.build(
        dict(type='BEiT3Tokenizer', spm_path=spm_path))
    processor = spm.SentencePieceProcessor(model_file=spm_path)
    assert tokenizer.vocab_size == processor.get_piece_size() + 1
    assert tokenizer.max_length == 20
