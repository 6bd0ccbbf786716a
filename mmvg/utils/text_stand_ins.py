"""Stand-ins for the files a model's text front-end reads, so that any
config builds on a machine without them (for benchmarks: the computation
depends on the number of tokens, not on which words they are).

* a missing sentencepiece model (``BEiT3Tokenizer.spm_path``): one trained
  on the synthetic set's vocabulary; the encoder's embedding keeps the
  size its config gives it;
* a missing WordPiece vocabulary (``HFTextEncoder.vocab_file``): the
  synthetic set's vocabulary, the one the synthetic configs read, so their
  models keep their sizes (the embedding of other models has as many rows
  as that vocabulary);
* a hub encoder (``HFTextEncoder.name_or_path``) that is neither a folder
  nor in the local transformers cache: a random encoder of transformers'
  default configuration for its ``model_type`` (for BERT that is
  bert-base-uncased's architecture), with the synthetic vocabulary padded
  by ``[unused*]`` tokens to that configuration's vocabulary size.
"""
import os.path as osp
from typing import Iterator, List, Optional, Tuple

from transformers import AutoConfig

from mmvg.datasets.synthetic import vocabulary
from mmvg.datasets.synthetic.writer import (BERT_SPECIAL_TOKENS, train_spm,
                                            write_vocab)


def typed_dicts(cfg: object, path: str) -> Iterator[Tuple[str, dict]]:
    """Every dict with a ``type`` in a nested config, with its dotted
    path (``path`` names ``cfg``)."""
    if isinstance(cfg, dict):
        if 'type' in cfg:
            yield path, cfg
        for key, value in cfg.items():
            yield from typed_dicts(value, f'{path}.{key}')
    elif isinstance(cfg, (list, tuple)):
        for i, value in enumerate(cfg):
            yield from typed_dicts(value, f'{path}[{i}]')


def type_name(cfg: dict) -> str:
    """A config's type without its scope (``mmvg.BEiT3``: ``BEiT3``)."""
    kind = cfg['type']
    return kind.split('.')[-1] if isinstance(kind, str) else kind.__name__


def on_this_machine(name_or_path: str) -> bool:
    """Whether a transformers model loads without the network."""
    if osp.isdir(name_or_path):
        return True
    try:
        AutoConfig.from_pretrained(name_or_path, local_files_only=True)
    except OSError:
        return False
    return True


def padded_vocab(work_dir: str, size: int = 0) -> str:
    """A WordPiece vocabulary of the synthetic words, padded with
    ``[unused*]`` tokens to ``size`` entries; returns its path."""
    words = vocabulary()
    fill = size - len(BERT_SPECIAL_TOKENS) - len(words)
    path = osp.join(work_dir, f'vocab{size or ""}.txt')
    write_vocab(path, words + [f'[unused{i}]' for i in range(fill)])
    return path


def stand_in_hf_encoder(cfg: dict, work_dir: str) -> Optional[str]:
    """Make an ``HFTextEncoder`` config buildable here (in place); a note
    on what stands in, None when nothing had to."""
    name = cfg.get('name_or_path')
    if name is not None:
        if on_this_machine(name):
            return None
        model_type = cfg.get('model_type', 'bert')
        size = AutoConfig.for_model(model_type).vocab_size
        cfg.update(
            name_or_path=None,
            config={},
            vocab_file=padded_vocab(work_dir, size))
        return (f'{name} is not on this machine: a random {model_type} of '
                f"transformers' default configuration ({size} tokens)")
    vocab_file = cfg.get('vocab_file')
    if vocab_file is None or osp.isfile(vocab_file):
        return None
    cfg['vocab_file'] = padded_vocab(work_dir)
    return f'{vocab_file} not found: the synthetic vocabulary'


def stand_in_spm(cfg: dict, work_dir: str) -> Optional[str]:
    """Make a ``BEiT3Tokenizer`` config buildable here (in place)."""
    spm_path = cfg.get('spm_path')
    if spm_path is not None and osp.isfile(spm_path):
        return None
    model = osp.join(work_dir, 'spm')
    if not osp.isfile(f'{model}.model'):
        train_spm(vocabulary(), model)
    cfg['spm_path'] = f'{model}.model'
    return (f'{spm_path} not found: a sentencepiece model of the synthetic '
            'vocabulary')


STAND_INS = dict(
    HFTextEncoder=stand_in_hf_encoder, BEiT3Tokenizer=stand_in_spm)


def stand_in_text_files(model_cfg: dict, work_dir: str) -> List[str]:
    """Point the text front-ends of ``model_cfg`` (changed in place) whose
    files are not on this machine at stand-ins written to ``work_dir``,
    which must outlive the model's build; one line per stand-in."""
    notes = []
    for path, cfg in list(typed_dicts(model_cfg, 'model')):
        stand_in = STAND_INS.get(type_name(cfg))
        note = None if stand_in is None else stand_in(cfg, work_dir)
        if note is not None:
            notes.append(f'{path}: {note}')
    return notes
