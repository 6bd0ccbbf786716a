"""The synthetic sentencepiece model: deterministic, one piece per word,
and BEiT-3 ids that follow the fairseq rule."""
import importlib.util
import os.path as osp

import pytest
from utils_cli import ROOT

from mmvg.models.language_models.beit3_tokenizer import BEiT3Tokenizer

spm = pytest.importorskip('sentencepiece')


def load_tool():
    """The converter script as a module (tools/ is not a package)."""
    path = osp.join(ROOT, 'tools', 'dataset_converters',
                    'make_synthetic_spm.py')
    spec = importlib.util.spec_from_file_location('make_synthetic_spm', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_vocab(root, words):
    ann_dir = root / 'synthetic'
    ann_dir.mkdir(parents=True, exist_ok=True)
    (ann_dir / 'vocab.txt').write_text(
        '\n'.join(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', *words]) +
        '\n')


WORDS = ['the', 'red', 'blue', 'circle', 'square', 'left', 'of', 'second']


def test_one_piece_per_word_and_deterministic(tmp_path):
    tool = load_tool()
    write_vocab(tmp_path / 'a', WORDS)
    write_vocab(tmp_path / 'b', WORDS)
    path_a = tool.make_synthetic_spm(str(tmp_path / 'a'))
    path_b = tool.make_synthetic_spm(str(tmp_path / 'b'))
    processor = spm.SentencePieceProcessor(model_file=path_a)
    other = spm.SentencePieceProcessor(model_file=path_b)
    # same pieces and scores (the file also records its own path)
    assert [(processor.id_to_piece(i), processor.get_score(i))
            for i in range(processor.get_piece_size())
            ] == [(other.id_to_piece(i), other.get_score(i))
                  for i in range(other.get_piece_size())]
    ids = processor.encode('the second red circle left of the blue square')
    assert len(ids) == 9 and processor.unk_id() not in ids
    tokenizer = BEiT3Tokenizer(path_a, max_length=12)
    out = tokenizer(['the red circle'])
    pieces = processor.encode('the red circle')
    assert out['text_ids'][0, :5].tolist() == [0, *[i + 1 for i in pieces], 2]


def test_cli_and_missing_vocabulary(tmp_path, capsys):
    tool = load_tool()
    with pytest.raises(FileNotFoundError, match='vocab.txt'):
        tool.main([str(tmp_path)])
    write_vocab(tmp_path, [])
    with pytest.raises(ValueError, match='no words'):
        tool.main([str(tmp_path)])
    write_vocab(tmp_path, WORDS)
    tool.main([str(tmp_path)])
    assert 'spm.model' in capsys.readouterr().out
