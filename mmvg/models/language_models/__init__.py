from .beit3_tokenizer import BEiT3Tokenizer
from .hf_text_encoder import HFTextEncoder
from .word_bpe import write_word_bpe
from .wordpiece_tokenizer import WordPieceTokenizer

__all__ = [
    'BEiT3Tokenizer', 'HFTextEncoder', 'WordPieceTokenizer', 'write_word_bpe'
]
