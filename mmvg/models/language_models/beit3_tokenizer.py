"""Tokenizer of BEiT-3: XLM-R sentencepiece pieces with fairseq ids.

BEiT-3 was trained with fairseq's dictionary over the XLM-R sentencepiece
model (``beit3.spm``): ``<s>``=0, ``<pad>``=1, ``</s>``=2, ``<unk>``=3 and
every other piece = its sentencepiece id + 1. transformers 5.x's
``XLMRobertaTokenizer(vocab_file=...)`` cannot reproduce this here: it maps
every piece to ``<unk>`` (and reading the ``.spm`` properly needs protobuf),
so the ``sentencepiece`` library is used directly.
"""
import logging
import re
from typing import Dict, List, Sequence

import torch
from mmengine.logging import print_log

from mmvg.registry import TASK_UTILS

_PUNCTUATION = re.compile(r"[.,'!?\"()*#:;]")


def clean_expression(text: str) -> str:
    """Lowercase, drop punctuation, split ``-`` and ``/`` compounds: the
    expression clean-up SimVG applies before tokenizing."""
    return _PUNCTUATION.sub('', text.lower()).replace('-',
                                                      ' ').replace('/', ' ')


@TASK_UTILS.register_module()
class BEiT3Tokenizer:
    """Turn expressions into BEiT-3 token ids and padding masks.

    Each expression becomes ``<s> pieces </s>`` padded with ``<pad>`` to
    ``max_length`` tokens; longer ones are cut to ``max_length - 2`` pieces
    (a warning counts them).

    Args:
        spm_path: Local path of the sentencepiece model (``beit3.spm``).
        max_length: Tokens per expression including ``<s>`` and ``</s>``.
        clean_text: Apply :func:`clean_expression` first (SimVG does).
    """

    bos_id = 0
    pad_id = 1
    eos_id = 2
    unk_id = 3

    def __init__(self,
                 spm_path: str,
                 max_length: int = 20,
                 clean_text: bool = False) -> None:
        try:
            import sentencepiece
        except ImportError as err:
            raise ImportError('BEiT3Tokenizer needs the sentencepiece '
                              'package: pip install sentencepiece') from err
        if max_length < 3:
            raise ValueError(f'max_length must be >= 3 (<s>, a piece, </s>), '
                             f'got {max_length}')
        try:
            self.sp_model = sentencepiece.SentencePieceProcessor(
                model_file=str(spm_path))
        except (OSError, RuntimeError) as err:
            raise ValueError(f'cannot read the sentencepiece model '
                             f'{spm_path}: {err}') from err
        self.spm_path = str(spm_path)
        self.max_length = max_length
        self.clean_text = clean_text
        self.num_truncated = 0

    @property
    def vocab_size(self) -> int:
        """Number of ids produced: sentencepiece pieces shifted by one, plus
        fairseq's ``<pad>`` (BEiT-3 rounds its embedding up to 64010)."""
        return self.sp_model.get_piece_size() + 1

    def encode(self, text: str) -> List[int]:
        """Fairseq ids of the pieces of ``text``, without ``<s>``/``</s>``."""
        if self.clean_text:
            text = clean_expression(text)
        sp_unk = self.sp_model.unk_id()
        return [
            self.unk_id if i == sp_unk else i + 1
            for i in self.sp_model.encode(text)
        ]

    def __call__(self, texts: Sequence[str]) -> Dict[str, torch.Tensor]:
        """Tokenize a batch of expressions.

        Returns:
            dict: ``text_ids`` (N, max_length) long and ``text_padding_mask``
            (N, max_length) bool, True at padding; the keys match
            ``BEiT3.forward``.
        """
        if isinstance(texts, str):
            raise TypeError('BEiT3Tokenizer expects a sequence of strings, '
                            'got a single str')
        ids = torch.full((len(texts), self.max_length),
                         self.pad_id,
                         dtype=torch.long)
        padding_mask = torch.ones_like(ids, dtype=torch.bool)
        num_cut = 0
        for row, text in enumerate(texts):
            pieces = self.encode(text)
            if not pieces:
                raise ValueError(f'expression {text!r} yields no tokens')
            if len(pieces) > self.max_length - 2:
                pieces = pieces[:self.max_length - 2]
                num_cut += 1
            tokens = [self.bos_id, *pieces, self.eos_id]
            ids[row, :len(tokens)] = torch.tensor(tokens)
            padding_mask[row, :len(tokens)] = False
        if num_cut:
            self.num_truncated += num_cut
            print_log(
                f'{num_cut} of {len(texts)} expressions cut to '
                f'{self.max_length} tokens ({self.num_truncated} so far)',
                logger='current',
                level=logging.WARNING)
        return dict(text_ids=ids, text_padding_mask=padding_mask)
