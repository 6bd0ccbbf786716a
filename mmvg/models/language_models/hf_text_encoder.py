"""A transformers text encoder (BERT family) that tokenizes and encodes.

Written here because mmdet 3.3's ``BertModel`` wrapper breaks on
transformers 5 (``batch_encode_plus`` is gone, its 3-D attention mask fails).
"""
from typing import Dict, List, Optional

import torch
from mmengine.model import BaseModule
from transformers import AutoConfig, AutoModel, AutoTokenizer

from mmvg.registry import MODELS
from .wordpiece_tokenizer import tokenize_batch, wordpiece_tokenizer


@MODELS.register_module()
class HFTextEncoder(BaseModule):
    """Encode a batch of expressions with a transformers encoder.

    Either ``name_or_path`` (a hub id or a local folder holding a pretrained
    model and its tokenizer) or ``config`` (a randomly initialised model of
    ``model_type``, with a WordPiece ``vocab_file``) must be given.

    Args:
        name_or_path: pretrained model id or folder.
        config: kwargs of a transformers config for a random-init model.
        model_type: transformers model type used with ``config``.
        vocab_file: WordPiece vocabulary for a random-init model.
        max_length: token limit incl. special tokens; longer expressions are
            truncated and counted in a warning.
        num_layers: keep only the first ``num_layers`` layers (e.g. 6 of
            ``bert-base-uncased`` for VG-LAW).
        frozen: freeze all weights.
    """

    def __init__(self,
                 name_or_path: Optional[str] = None,
                 config: Optional[dict] = None,
                 model_type: str = 'bert',
                 vocab_file: Optional[str] = None,
                 max_length: int = 20,
                 num_layers: Optional[int] = None,
                 frozen: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if (name_or_path is None) == (config is None):
            raise ValueError('HFTextEncoder needs exactly one of '
                             '`name_or_path` and `config`.')
        overrides = {} if num_layers is None else dict(
            num_hidden_layers=num_layers)
        if name_or_path is not None:
            self.tokenizer = AutoTokenizer.from_pretrained(name_or_path)
            self.model = AutoModel.from_pretrained(
                name_or_path, add_pooling_layer=False, **overrides)
        else:
            if vocab_file is None:
                raise ValueError('A random-init HFTextEncoder needs a '
                                 '`vocab_file`.')
            self.tokenizer = wordpiece_tokenizer(vocab_file)
            hf_config = AutoConfig.for_model(
                model_type,
                vocab_size=len(self.tokenizer),
                **config,
                **overrides)
            self.model = AutoModel.from_config(
                hf_config, add_pooling_layer=False)
        self.max_length = max_length
        self.embed_dims = self.model.config.hidden_size
        if frozen:
            self.model.requires_grad_(False)

    def tokenize(self, texts: List[str]) -> Dict[str, torch.Tensor]:
        """Tokenize, refusing empty expressions and counting truncations."""
        return tokenize_batch(self.tokenizer, texts, self.max_length)

    def forward(self, texts: List[str]) -> Dict[str, torch.Tensor]:
        """Return token features ``feats`` (B, L, C), ``padding_mask``
        (B, L, True at padding) and the first-token feature ``cls``."""
        device = next(self.model.parameters()).device
        tokens = self.tokenize(texts)
        attention_mask = tokens['attention_mask'].to(device)
        feats = self.model(
            input_ids=tokens['input_ids'].to(device),
            attention_mask=attention_mask).last_hidden_state
        return dict(
            feats=feats, padding_mask=attention_mask == 0, cls=feats[:, 0])
