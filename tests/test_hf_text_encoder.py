"""HFTextEncoder: random-init from a vocabulary, masks, errors, truncation."""
import pytest
import torch

from mmvg.models import HFTextEncoder

TINY = dict(
    hidden_size=16,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=32)


def test_features_and_padding_mask(vocab_file):
    encoder = HFTextEncoder(config=TINY, vocab_file=vocab_file, max_length=8)
    out = encoder(['the red circle', 'the big blue square left of the shape'])
    assert out['feats'].shape == (2, 8, 16)
    # [CLS] the red circle [SEP] + 3 pads
    assert out['padding_mask'][0].tolist() == [False] * 5 + [True] * 3
    assert not out['padding_mask'][1].any()
    assert out['cls'].shape == (2, 16)


def test_known_words_are_not_unknown(vocab_file):
    encoder = HFTextEncoder(config=TINY, vocab_file=vocab_file)
    ids = encoder.tokenize(['the red circle'])['input_ids'][0].tolist()
    tokens = encoder.tokenizer.convert_ids_to_tokens(ids)
    assert tokens == ['[CLS]', 'the', 'red', 'circle', '[SEP]']
    assert len(encoder.tokenizer) == 19


def test_padding_does_not_change_features(vocab_file):
    encoder = HFTextEncoder(config=TINY, vocab_file=vocab_file).eval()
    alone = encoder(['the red circle'])['feats']
    padded = encoder(['the red circle', 'the big blue square left of it'])
    torch.testing.assert_close(
        padded['feats'][0, :5], alone[0], atol=1e-5, rtol=1e-5)


def test_truncation_is_counted(vocab_file):
    encoder = HFTextEncoder(config=TINY, vocab_file=vocab_file, max_length=4)
    with pytest.warns(UserWarning, match='1 of 2 expressions exceed 4 tokens'):
        out = encoder(['the red circle', 'the circle'])
    assert out['feats'].shape[1] == 4


def test_empty_expression_is_refused(vocab_file):
    encoder = HFTextEncoder(config=TINY, vocab_file=vocab_file)
    with pytest.raises(ValueError, match='Expression 1 of the batch is empty'):
        encoder(['the circle', '  '])


def test_needs_exactly_one_source(vocab_file):
    with pytest.raises(ValueError, match='exactly one'):
        HFTextEncoder()
    with pytest.raises(ValueError, match='vocab_file'):
        HFTextEncoder(config=TINY)


def test_loads_a_pretrained_folder(vocab_file, tmp_path):
    """``name_or_path`` loads a saved model + tokenizer, keeping N layers."""
    source = HFTextEncoder(
        config=dict(TINY, num_hidden_layers=3), vocab_file=vocab_file)
    source.model.save_pretrained(tmp_path)
    source.tokenizer.save_pretrained(tmp_path)
    loaded = HFTextEncoder(name_or_path=str(tmp_path), num_layers=2).eval()
    assert len(loaded.model.encoder.layer) == 2
    torch.testing.assert_close(loaded.model.embeddings.word_embeddings.weight,
                               source.model.embeddings.word_embeddings.weight)
