"""mmvg.utils.text_stand_ins: missing text files are replaced by ones that
tokenize the benchmark expression without unknown words; files that exist
are kept."""
import pytest
from mmengine.config import ConfigDict
from transformers import AutoConfig

from mmvg.datasets.synthetic import vocabulary
from mmvg.models.language_models import BEiT3Tokenizer, HFTextEncoder
from mmvg.utils.synthetic_batch import EXPRESSION
from mmvg.utils.text_stand_ins import (on_this_machine, padded_vocab,
                                       stand_in_text_files)

pytest.importorskip('sentencepiece')
#: a hub id no cache holds (checked without the network)
ABSENT = 'mmvg-tests/no-such-model'


def model_cfg(**text_parts) -> ConfigDict:
    return ConfigDict(
        type='SimVG', backbone=dict(type='BEiT3', arch='base'), **text_parts)


def test_missing_spm_and_vocabulary_get_the_synthetic_words(tmp_path):
    cfg = model_cfg(
        tokenizer=dict(
            type='mmvg.BEiT3Tokenizer', spm_path='absent.spm', max_length=12),
        adapters=[
            dict(
                type='HFTextEncoder',
                config=dict(hidden_size=8),
                vocab_file='absent/vocab.txt')
        ])
    notes = stand_in_text_files(cfg, str(tmp_path))
    assert notes == [
        'model.tokenizer: absent.spm not found: a sentencepiece model of '
        'the synthetic vocabulary',
        'model.adapters[0]: absent/vocab.txt not found: the synthetic '
        'vocabulary',
    ]
    ids = BEiT3Tokenizer(**{
        k: v
        for k, v in cfg.tokenizer.items() if k != 'type'
    })([EXPRESSION])['text_ids'][0].tolist()
    num_words = len(EXPRESSION.split())
    # <s>, one piece per word (none <unk> = 3), </s>, then <pad>
    assert ids[0] == 0 and ids[num_words + 1] == 2 and ids[-1] == 1
    assert 3 not in ids[1:num_words + 1]
    with open(cfg.adapters[0].vocab_file) as f:
        assert f.read().split()[5:] == vocabulary()


def test_hub_encoder_absent_here_becomes_a_default_random_one(tmp_path):
    cfg = model_cfg(
        text_encoder=dict(
            type='HFTextEncoder',
            name_or_path=ABSENT,
            num_layers=1,
            max_length=40))
    notes = stand_in_text_files(cfg, str(tmp_path))
    size = AutoConfig.for_model('bert').vocab_size
    assert notes == [
        f'model.text_encoder: {ABSENT} is not on this machine: a random '
        f"bert of transformers' default configuration ({size} tokens)"
    ]
    encoder = HFTextEncoder(**{
        k: v
        for k, v in cfg.text_encoder.items() if k != 'type'
    })
    assert encoder.model.config.vocab_size == size
    assert encoder.model.config.num_hidden_layers == 1
    assert encoder.embed_dims == AutoConfig.for_model('bert').hidden_size
    tokens = encoder.tokenize([EXPRESSION])['input_ids'][0].tolist()
    assert len(tokens) == len(EXPRESSION.split()) + 2
    assert encoder.tokenizer.unk_token_id not in tokens


def test_files_that_exist_are_kept(tmp_path, vocab_file, spm_path):
    cfg = model_cfg(
        tokenizer=dict(type='BEiT3Tokenizer', spm_path=spm_path),
        text_encoder=dict(type='HFTextEncoder', name_or_path=str(tmp_path)),
        neck=dict(type='HFTextEncoder', vocab_file=vocab_file, config={}))
    before = cfg.to_dict()
    assert stand_in_text_files(cfg, str(tmp_path)) == []
    assert cfg.to_dict() == before


def test_on_this_machine_and_padding(tmp_path):
    assert on_this_machine(str(tmp_path))
    assert not on_this_machine(ABSENT)
    with open(padded_vocab(str(tmp_path), 100)) as f:
        lines = f.read().split()
    assert len(lines) == 100
    assert lines[-1] == f'[unused{100 - 5 - len(vocabulary()) - 1}]'
