"""BEiT-3 multiway transformer backbone over an image, a text or both."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvg.registry import MODELS
from .checkpoint import load_beit3_checkpoint
from .embeddings import PatchEmbedWithCLS
from .encoder import MultiwayEncoder

ARCH_SETTINGS = {
    'base': dict(embed_dims=768, num_layers=12, num_heads=12, mlp_ratio=4.),
    'large': dict(embed_dims=1024, num_layers=24, num_heads=16, mlp_ratio=4.),
}

#: As unilm's ``BEiT3Wrapper`` (LayerNorms keep torch's ones/zeros).
DEFAULT_INIT_CFG = dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.)


def _pair(size: Union[int, Sequence[int]]) -> Tuple[int, int]:
    return (size, size) if isinstance(size, int) else tuple(size)


@MODELS.register_module()
class BEiT3(BaseModule):
    """BEiT-3 encoder (Wang et al., "Image as a Foreign Language"), the
    torchscale ``BEiT3`` model as the official base/large configs set it up.

    Vision ([CLS] + patches) and text tokens are encoded jointly: attention
    spans both modalities, while every projection, norm and FFN has a vision
    expert and a text expert. Parameter names equal the official checkpoint
    keys without their ``beit3.`` prefix.

    Args:
        arch: ``'base'``, ``'large'`` or a dict with ``embed_dims``,
            ``num_layers``, ``num_heads`` and ``mlp_ratio``.
        img_size: Input size the vision position table is stored for; other
            sizes are served by bicubic interpolation at run time.
        patch_size: Patch side (16 officially; SimVG uses 32).
        in_channels: Image channels.
        vocab_size: Text vocabulary (64010 for the XLM-R sentencepiece model
            with fairseq ids).
        max_text_positions: Rows of the text position table.
        drop_path_rate: Stochastic depth of the last block.
        layernorm_eps: LayerNorm epsilon.
        patch_embed: config of a registered module that replaces the
            patchify conv (``vision_embed.proj``); None is BEiT-3's conv,
            which official weights need.
        init_cfg: ``dict(type='Pretrained', checkpoint=..., prefix='beit3.')``
            loads an official checkpoint strictly, resizing positions and the
            patch kernel to this model; otherwise mmengine init configs.
    """

    def __init__(self,
                 arch: Union[str, dict] = 'base',
                 img_size: Union[int, Sequence[int]] = 224,
                 patch_size: int = 16,
                 in_channels: int = 3,
                 vocab_size: int = 64010,
                 max_text_positions: int = 1024,
                 drop_path_rate: float = 0.,
                 layernorm_eps: float = 1e-5,
                 patch_embed: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg or DEFAULT_INIT_CFG)
        if isinstance(arch, str):
            if arch not in ARCH_SETTINGS:
                raise KeyError(f'unknown BEiT-3 arch {arch!r}; choose from '
                               f'{sorted(ARCH_SETTINGS)} or pass a dict')
            arch = ARCH_SETTINGS[arch]
        missing = set(ARCH_SETTINGS['base']) - set(arch)
        if missing:
            raise KeyError(f'BEiT-3 arch dict lacks {sorted(missing)}')
        img_h, img_w = _pair(img_size)
        if img_h % patch_size or img_w % patch_size:
            raise ValueError(f'img_size {img_size} is not a multiple of '
                             f'patch_size {patch_size}')
        self.embed_dims = arch['embed_dims']
        self.patch_size = patch_size

        self.text_embed = nn.Embedding(vocab_size, self.embed_dims)
        self.vision_embed = PatchEmbedWithCLS(in_channels, self.embed_dims,
                                              patch_size, patch_embed)
        self.encoder = MultiwayEncoder(
            embed_dims=self.embed_dims,
            num_layers=arch['num_layers'],
            num_heads=arch['num_heads'],
            ffn_dims=int(self.embed_dims * arch['mlp_ratio']),
            grid_hw=(img_h // patch_size, img_w // patch_size),
            max_text_positions=max_text_positions,
            drop_path_rate=drop_path_rate,
            eps=layernorm_eps)

    def init_weights(self) -> None:
        """Load official weights for a ``Pretrained`` init_cfg (strict, with
        resizing), else run mmengine's initialisers."""
        cfg = self.init_cfg
        if isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
            load_beit3_checkpoint(
                self, cfg['checkpoint'], prefix=cfg.get('prefix', 'beit3.'))
            self._is_init = True
            return
        super().init_weights()

    @staticmethod
    def _check_inputs(img: Optional[Tensor], text_ids: Optional[Tensor],
                      text_padding_mask: Optional[Tensor]) -> None:
        if img is None and text_ids is None:
            raise ValueError('BEiT3 needs an image, a text or both')
        if img is not None and img.dim() != 4:
            raise ValueError(f'img must be (B, C, H, W), got {img.shape}')
        if text_ids is None:
            if text_padding_mask is not None:
                raise ValueError('text_padding_mask given without text_ids')
            return
        if text_ids.dim() != 2:
            raise ValueError(f'text_ids must be (B, L), got {text_ids.shape}')
        if img is not None and img.size(0) != text_ids.size(0):
            raise ValueError(f'batch sizes differ: img {img.size(0)}, '
                             f'text_ids {text_ids.size(0)}')
        if text_padding_mask is not None and (
                text_padding_mask.shape != text_ids.shape
                or text_padding_mask.dtype != torch.bool):
            raise ValueError(
                'text_padding_mask must be a bool tensor shaped like '
                f'text_ids {tuple(text_ids.shape)}, got '
                f'{text_padding_mask.dtype} {tuple(text_padding_mask.shape)}')

    def forward(self,
                img: Optional[Tensor] = None,
                text_ids: Optional[Tensor] = None,
                text_padding_mask: Optional[Tensor] = None) -> Dict:
        """Encode an image, a text or both jointly.

        Args:
            img: (B, 3, H, W) images, H and W multiples of the patch size.
            text_ids: (B, L) fairseq token ids (see ``BEiT3Tokenizer``).
            text_padding_mask: (B, L) bool, True at padding tokens.

        Returns:
            dict: ``vision`` (B, 1 + h*w, C) with [CLS] first, ``text``
            (B, L, C) and ``vision_hw`` (h, w); absent modalities are None.
        """
        self._check_inputs(img, text_ids, text_padding_mask)
        vision, vision_hw = (None, None) if img is None else \
            self.vision_embed(img)
        text = None if text_ids is None else self.text_embed(text_ids)
        vision, text = self.encoder(vision, vision_hw, text, text_padding_mask)
        return dict(vision=vision, text=text, vision_hw=vision_hw)
