"""ViLT (Kim et al., ICML 2021): one transformer over BERT word embeddings
and ViT patch embeddings, the unified encoder ScanFormer builds on."""
from typing import Dict, Optional, Tuple

import torch
from mmengine.model import BaseModule, initialize
from torch import Tensor, nn
from transformers import BertConfig
from transformers.models.bert.modeling_bert import BertEmbeddings

from mmvg.registry import MODELS
from ..vit import VisionTransformer
from ..vit.position_embedding import resize_pos_embed
from .checkpoint import load_vilt_checkpoint

TEXT_TYPE, IMAGE_TYPE = 0, 1


class ViLTPooler(nn.Module):
    """``tanh(dense(x))`` on the first (text [CLS]) token, named as ViLT."""

    def __init__(self, embed_dims: int) -> None:
        super().__init__()
        self.dense = nn.Linear(embed_dims, embed_dims)

    def forward(self, cls_token: Tensor) -> Tensor:
        return torch.tanh(self.dense(cls_token))


@MODELS.register_module()
class ViLT(BaseModule):
    """The ViLT encoder with the parameter names of the original release.

    Modules: ``text_embeddings`` (transformers' ``BertEmbeddings``, as in
    ViLT), ``token_type_embeddings`` (the modality embedding: 0 text,
    1 image), ``transformer`` (mmvg's :class:`VisionTransformer`: timm's
    ``patch_embed``, ``cls_token``, ``pos_embed``, ``blocks``, ``norm``) and
    ``pooler``. Both released formats load by key mapping (see
    :func:`load_vilt_checkpoint`): the PyTorch Lightning file
    (``vilt_200k_mlm_itm.ckpt``) and transformers' ``ViltModel`` /
    ``ViltForMaskedLM`` folders (e.g. ``dandelin/vilt-b32-mlm``).

    Image positions are ViLT's: the stored grid (``img_size // patch_size``
    per side) is bilinearly resized (``align_corners=True``) to each
    sample's valid patch grid and zero-padded to the batch grid.

    Args:
        vocab_size: word-piece vocabulary (bert-base-uncased: 30522).
        max_text_len: text positions (ViLT: 40); longer inputs are refused.
        img_size: pre-training image side the position grid is stored for.
        patch_size: patch side.
        embed_dims: token channels.
        num_layers: transformer blocks.
        num_heads: attention heads.
        mlp_ratio: MLP hidden channels / ``embed_dims``.
        norm_eps: epsilon of the blocks' and the final LayerNorm (the
            original timm ViT: 1e-6; transformers' port: 1e-12).
        text_norm_eps: epsilon of the text embeddings' LayerNorm (BERT's).
        num_modality_types: rows of the modality embedding (3 in ViLT's
            NLVR2 model).
        patch_embed: config of a registered module that replaces the
            patchify conv (see :class:`VisionTransformer`); None is ViLT's
            conv, which its weights need.
        init_cfg: ``dict(type='Pretrained', checkpoint=PATH)`` loads either
            released format strictly.
    """

    def __init__(self,
                 vocab_size: int = 30522,
                 max_text_len: int = 40,
                 img_size: int = 384,
                 patch_size: int = 32,
                 embed_dims: int = 768,
                 num_layers: int = 12,
                 num_heads: int = 12,
                 mlp_ratio: float = 4.0,
                 norm_eps: float = 1e-6,
                 text_norm_eps: float = 1e-12,
                 num_modality_types: int = 2,
                 patch_embed: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.max_text_len = max_text_len
        self.embed_dims = embed_dims
        self.text_embeddings = BertEmbeddings(
            BertConfig(
                vocab_size=vocab_size,
                hidden_size=embed_dims,
                max_position_embeddings=max_text_len,
                type_vocab_size=2,
                layer_norm_eps=text_norm_eps,
                hidden_dropout_prob=0.0))
        self.token_type_embeddings = nn.Embedding(num_modality_types,
                                                  embed_dims)
        self.transformer = VisionTransformer(
            img_size=img_size,
            patch_size=patch_size,
            embed_dims=embed_dims,
            num_layers=num_layers,
            num_heads=num_heads,
            mlp_ratio=mlp_ratio,
            norm_eps=norm_eps,
            patch_embed=patch_embed)
        self.pooler = ViLTPooler(embed_dims)

    @property
    def blocks(self) -> nn.ModuleList:
        return self.transformer.blocks

    def init_weights(self) -> None:
        """Strict loading of a ``Pretrained`` init_cfg; otherwise timm's
        init for the transformer and BERT's N(0, 0.02) for the embeddings
        and the pooler, then the initialisers an init_cfg list names (on
        top of that init)."""
        cfg = self.init_cfg
        if isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
            load_vilt_checkpoint(self, cfg['checkpoint'])
            self._is_init = True
            return
        self.transformer.init_weights()
        for module in (self.text_embeddings, self.token_type_embeddings,
                       self.pooler):
            for layer in module.modules():
                if isinstance(layer, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(layer.weight, std=0.02)
                if isinstance(layer, nn.Linear):
                    nn.init.zeros_(layer.bias)
        if cfg is not None:
            initialize(self, cfg)
        self._is_init = True

    def embed_text(self, input_ids: Tensor) -> Tensor:
        """(B, L) word-piece ids -> (B, L, C) text tokens with the text
        modality embedding.

        Raises:
            ValueError: L exceeds ``max_text_len``.
        """
        if input_ids.shape[1] > self.max_text_len:
            raise ValueError(
                f'ViLT reads at most {self.max_text_len} text tokens, got '
                f'{input_ids.shape[1]}; shorten the expression or lower the '
                "tokenizer's max_length")
        text = self.text_embeddings(input_ids=input_ids)
        return text + self.token_type_embeddings.weight[TEXT_TYPE]

    def patch_pos_embed(self, grid: Tuple[int, int],
                        valid_hw: Optional[Tensor]) -> Tensor:
        """(B or 1, h*w, C) patch positions: the stored grid resized to each
        sample's valid (rows, cols) of ``valid_hw`` (B, 2) and zero-padded
        to ``grid``; the whole grid without ``valid_hw``."""
        stored = self.transformer.pos_grid
        table = self.transformer.pos_embed[:, 1:]

        def resized(size: Tuple[int, int]) -> Tensor:
            return resize_pos_embed(
                table, (stored, stored),
                size,
                mode='bilinear',
                align_corners=True)

        if valid_hw is None:
            return resized(grid)
        pos = table.new_zeros(len(valid_hw), *grid, self.embed_dims)
        for size in torch.unique(valid_hw, dim=0).tolist():
            rows = (valid_hw == valid_hw.new_tensor(size)).all(dim=1)
            pos[rows, :size[0], :size[1]] = resized(tuple(size)).view(
                1, *size, -1)
        return pos.flatten(1, 2)

    def embed_image(
            self,
            img: Tensor,
            valid_hw: Optional[Tensor] = None
    ) -> Tuple[Tensor, Tuple[int, int]]:
        """(B, 3, H, W) images -> ((B, 1 + h*w, C) image [CLS] + patch
        tokens with positions and the image modality embedding, (h, w))."""
        patches = self.transformer.patch_embed(img)
        grid = tuple(patches.shape[-2:])
        patches = patches.flatten(2).transpose(1, 2)
        patches = patches + self.patch_pos_embed(grid, valid_hw)
        cls = self.transformer.cls_token + self.transformer.pos_embed[:, :1]
        tokens = torch.cat([cls.expand(len(patches), -1, -1), patches], 1)
        return tokens + self.token_type_embeddings.weight[IMAGE_TYPE], grid

    def forward(self,
                img: Tensor,
                input_ids: Tensor,
                text_padding_mask: Tensor,
                patch_padding_mask: Optional[Tensor] = None,
                valid_hw: Optional[Tensor] = None) -> Dict:
        """Encode text and image jointly, as ViLT does.

        Args:
            img: (B, 3, H, W) images, sides multiples of the patch size.
            input_ids: (B, L) word-piece ids.
            text_padding_mask: (B, L) bool, True at padding.
            patch_padding_mask: (B, h*w) bool, True on patches of batch
                padding (not attended to).
            valid_hw: (B, 2) valid patch rows and columns, for positions.

        Returns:
            dict: ``text`` (B, L, C), ``image`` (B, 1 + h*w, C) with the
            image [CLS] first, ``grid`` (h, w) and ``pooled`` (B, C).
        """
        text = self.embed_text(input_ids)
        image, grid = self.embed_image(img, valid_hw)
        batch = len(image)
        if patch_padding_mask is None:
            patch_padding_mask = image.new_zeros(
                batch, grid[0] * grid[1], dtype=torch.bool)
        padding = torch.cat([
            text_padding_mask,
            text_padding_mask.new_zeros(batch, 1), patch_padding_mask
        ], 1)
        bias = torch.zeros_like(
            padding, dtype=text.dtype).masked_fill(padding,
                                                   float('-inf'))[:, None,
                                                                  None]
        x = torch.cat([text, image], dim=1)
        for block in self.blocks:
            x = block(x, grid, attn_bias=bias)
        x = self.transformer.norm(x)
        num_text = text.shape[1]
        return dict(
            text=x[:, :num_text],
            image=x[:, num_text:],
            grid=grid,
            pooled=self.pooler(x[:, 0]))
