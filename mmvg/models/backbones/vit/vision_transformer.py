"""Plain ViT backbone with timm's parameter names and ViTDet's options."""
from typing import List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_init
from torch import Tensor, nn

from mmvg.models.layers import PatchEmbed
from mmvg.registry import MODELS
from .attention import QKVAdapter
from .block import Block
from .checkpoint import load_vit_checkpoint
from .position_embedding import resize_pos_embed


@MODELS.register_module()
class VisionTransformer(BaseModule):
    """ViT backbone loading timm/MAE and ViTDet weights by their own names.

    Absolute position embeddings are stored for the pre-training grid
    (``img_size // patch_size``, plus a [CLS] slot as in timm and ViTDet) and
    bicubically resampled to each input's grid. With ``window_size > 0`` the
    model becomes ViTDet's: window attention in every block except
    ``global_attn_indexes``, no [CLS] token.

    Args:
        img_size: pre-training input side, which sets the stored
            position-embedding grid (224 for timm/MAE/ViTDet ViT-B).
        patch_size: patch side (output stride).
        in_channels: image channels.
        embed_dims: token channels C.
        num_layers: number of blocks.
        num_heads: attention heads.
        mlp_ratio: MLP hidden channels / C.
        qkv_bias: learn qkv biases.
        drop_path_rate: stochastic depth of the last block, growing linearly
            from 0 over the blocks.
        norm_eps: LayerNorm epsilon.
        with_cls_token: prepend a learnable [CLS] token (timm/MAE); ViTDet
            has none.
        final_norm: LayerNorm ``norm`` after the last block (timm/MAE have
            it, ViTDet does not).
        window_size: window side in patches for window blocks; 0 = all
            blocks global.
        global_attn_indexes: blocks that keep global attention when
            ``window_size > 0`` (ViTDet-B: 2, 5, 8, 11).
        use_rel_pos: add decomposed relative positions (ViTDet).
        rel_pos_grid: grid side the global blocks' relative tables are made
            for (ViTDet-B: 64, i.e. 1024 / 16); default
            ``img_size // patch_size``. Window blocks use ``window_size``.
        patch_embed: config of a registered module that replaces the
            patchify conv (``patch_embed.proj``); None is ViT's conv, which
            pre-trained weights need.
        init_cfg: ``dict(type='Pretrained', checkpoint=PATH)`` loads a
            timm/MAE or ViTDet file strictly (see :func:`load_vit_checkpoint`).

    Returns of ``forward``: ``(feat_map, cls_feat)``: (B, C, H/p, W/p) patch
    features and the (B, C) [CLS] feature, or None without a [CLS] token.
    """

    def __init__(self,
                 img_size: int = 224,
                 patch_size: int = 16,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 num_layers: int = 12,
                 num_heads: int = 12,
                 mlp_ratio: float = 4.0,
                 qkv_bias: bool = True,
                 drop_path_rate: float = 0.0,
                 norm_eps: float = 1e-6,
                 with_cls_token: bool = True,
                 final_norm: bool = True,
                 window_size: int = 0,
                 global_attn_indexes: Sequence[int] = (),
                 use_rel_pos: bool = False,
                 rel_pos_grid: Optional[int] = None,
                 patch_embed: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if with_cls_token and (window_size or use_rel_pos):
            raise ValueError('Window attention and relative positions lay '
                             'tokens on a grid; set with_cls_token=False '
                             '(ViTDet drops the [CLS] token).')
        if any(not 0 <= i < num_layers for i in global_attn_indexes):
            raise ValueError(f'global_attn_indexes {list(global_attn_indexes)}'
                             f' out of range for {num_layers} layers.')
        if global_attn_indexes and not window_size:
            raise ValueError('global_attn_indexes needs window_size > 0.')
        self.patch_size = patch_size
        self.embed_dims = embed_dims
        self.pos_grid = img_size // patch_size
        self.with_cls_token = with_cls_token
        self.use_rel_pos = use_rel_pos

        self.patch_embed = PatchEmbed(in_channels, embed_dims, patch_size,
                                      patch_embed)
        if with_cls_token:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.pos_embed = nn.Parameter(
            torch.zeros(1, 1 + self.pos_grid**2, embed_dims))
        drop_rates = [
            drop_path_rate * i / max(num_layers - 1, 1)
            for i in range(num_layers)
        ]
        global_rel_size = rel_pos_grid or self.pos_grid
        blocks = []
        for i, drop_rate in enumerate(drop_rates):
            window = 0 if i in global_attn_indexes else window_size
            rel_pos_size = (window or global_rel_size) if use_rel_pos else None
            blocks.append(
                Block(embed_dims, num_heads, mlp_ratio, qkv_bias, drop_rate,
                      norm_eps, window, rel_pos_size))
        self.blocks = nn.ModuleList(blocks)
        self.norm = nn.LayerNorm(embed_dims, eps=norm_eps) if final_norm \
            else nn.Identity()

    def new_param_patterns(self) -> List[str]:
        """Parameters a pretrained file may lack (reported as new).

        MAE weights have no relative positions; ViTDet zero-initialises them
        when fine-tuning from MAE, which is what this model starts from too.
        """
        return [r'\.attn\.rel_pos_[hw]$'] if self.use_rel_pos else []

    def init_weights(self) -> None:
        """timm's random init, or strict loading of a Pretrained init_cfg."""
        cfg = self.init_cfg
        if isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
            load_vit_checkpoint(self, cfg['checkpoint'],
                                self.new_param_patterns())
        elif cfg is None:
            nn.init.trunc_normal_(self.pos_embed, std=0.02)
            if self.with_cls_token:
                nn.init.normal_(self.cls_token, std=1e-6)
            for module in self.blocks.modules():
                if isinstance(module, nn.Linear):
                    trunc_normal_init(module, std=0.02, bias=0.)
        else:
            super().init_weights()
            return
        self._is_init = True

    def forward(self, img: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """Encode (B, 3, H, W) images; see the class doc for the outputs."""
        return self.forward_features(img)

    def forward_features(
        self,
        img: Tensor,
        qkv_adapters: Optional[Sequence[QKVAdapter]] = None
    ) -> Tuple[Tensor, Optional[Tensor]]:
        """Encode images; ``qkv_adapters[i]`` adapts block i's qkv output."""
        x = self.patch_embed(img)
        batch, _, height, width = x.shape
        grid = (height, width)
        x = x.flatten(2).transpose(1, 2)
        x = x + resize_pos_embed(self.pos_embed[:, 1:],
                                 (self.pos_grid, self.pos_grid), grid)
        if self.with_cls_token:
            cls = self.cls_token + self.pos_embed[:, :1]
            x = torch.cat([cls.expand(batch, -1, -1), x], dim=1)
        for i, block in enumerate(self.blocks):
            adapter = None if qkv_adapters is None else qkv_adapters[i]
            x = block(x, grid, adapter)
        x = self.norm(x)
        cls_feat = x[:, 0] if self.with_cls_token else None
        patches = x[:, 1:] if self.with_cls_token else x
        feat_map = patches.transpose(1, 2).reshape(batch, -1, height, width)
        return feat_map, cls_feat
