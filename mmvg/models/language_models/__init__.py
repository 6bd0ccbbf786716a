from .beit3_tokenizer import BEiT3Tokenizer
from .hf_text_encoder import HFTextEncoder
from .wordpiece_tokenizer import WordPieceTokenizer

__all__ = ['BEiT3Tokenizer', 'HFTextEncoder', 'WordPieceTokenizer']
