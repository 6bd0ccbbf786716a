"""WordPiece tokenization of expressions (BERT's vocabulary, as ViLT
reads text), shared by the text encoders that tokenize themselves."""
import warnings
from typing import Dict, List, Sequence

import torch
from transformers import BertTokenizer, PreTrainedTokenizerBase
from transformers.tokenization_utils_base import BatchEncoding

from mmvg.registry import TASK_UTILS


def tokenize_batch(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str],
                   max_length: int) -> BatchEncoding:
    """Tokenize a batch with special tokens, padded to its longest and cut
    at ``max_length``; refuses empty expressions and counts cut ones in a
    warning."""
    if isinstance(texts, str):
        raise TypeError('expected a sequence of expressions, got one str')
    for i, text in enumerate(texts):
        if not text or not text.strip():
            raise ValueError(f'Expression {i} of the batch is empty.')
    full = tokenizer(list(texts), add_special_tokens=True)['input_ids']
    too_long = sum(len(ids) > max_length for ids in full)
    if too_long:
        warnings.warn(f'{too_long} of {len(texts)} expressions exceed '
                      f'{max_length} tokens and were truncated.')
    return tokenizer(
        list(texts),
        padding=True,
        truncation=True,
        max_length=max_length,
        return_tensors='pt')


def wordpiece_tokenizer(vocab_file: str) -> BertTokenizer:
    """A BERT tokenizer over a WordPiece ``vocab_file``, refusing files
    that hold no usable vocabulary."""
    # transformers 5 ignores ``vocab_file=`` here (every word becomes
    # [UNK]); ``vocab=`` reads the file.
    tokenizer = BertTokenizer(vocab=vocab_file)
    if tokenizer.unk_token_id is None or len(tokenizer) < 6:
        raise ValueError(f'{vocab_file} holds no usable WordPiece '
                         'vocabulary.')
    return tokenizer


@TASK_UTILS.register_module()
class WordPieceTokenizer:
    """Expressions -> ``text_ids`` and ``text_padding_mask`` (the keys the
    scanning encoder and ``BEiT3Tokenizer`` use) with a WordPiece
    vocabulary: ``bert-base-uncased``'s ``vocab.txt`` for ViLT.

    Args:
        vocab_file: the WordPiece vocabulary, one piece a line.
        max_length: tokens per expression incl. [CLS] and [SEP] (ViLT: 40).
    """

    def __init__(self, vocab_file: str, max_length: int = 40) -> None:
        self.tokenizer = wordpiece_tokenizer(vocab_file)
        self.max_length = max_length

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer)

    def __call__(self, texts: List[str]) -> Dict[str, torch.Tensor]:
        """(N, L) ``text_ids`` (long) and ``text_padding_mask`` (bool, True
        at padding), L the batch's longest up to ``max_length``."""
        tokens = tokenize_batch(self.tokenizer, texts, self.max_length)
        return dict(
            text_ids=tokens['input_ids'],
            text_padding_mask=tokens['attention_mask'] == 0)
