"""What the scanning encoder needs of a joint vision-language encoder, for
each encoder class it can scan with: embeddings of text and of a scale's
patches, the blocks run over one segment through the KV cache, and the
final norm. ViLT and BEiT-3 are provided; :func:`register_scan_ops` adds
another encoder."""
from functools import partial
from typing import Callable, Dict, Optional, Tuple, Type

import torch.nn.functional as F
from torch import Tensor, nn

from ...layers.constant_token_merge import gather_tokens
from ...layers.segment_kv_cache import (SegmentKVCache, cached_attention,
                                        encode_segment)
from ..beit3 import BEiT3
from ..beit3.multiway import drop_path_streams
from ..vilt import ViLT
from ..vilt.vilt import IMAGE_TYPE

TEXT, VISION = 'text', 'vision'

_SCAN_OPS: Dict[Type[nn.Module], Type['ScanOps']] = {}


def register_scan_ops(encoder_cls: Type[nn.Module]) -> Callable[[type], type]:
    """Class decorator: the :class:`ScanOps` that drive ``encoder_cls``."""

    def add(ops_cls: type) -> type:
        _SCAN_OPS[encoder_cls] = ops_cls
        return ops_cls

    return add


def is_patch_local(proj: nn.Module, patch: int) -> bool:
    """Whether ``proj`` maps each patch from its own pixels alone: the
    patchify conv (kernel = stride = patch, no padding) or a module that
    says so (``patch_local = True``)."""
    if isinstance(proj, nn.Conv2d):
        return proj.kernel_size == (patch, patch) and proj.stride == (
            patch, patch) and proj.padding == (0, 0)
    return bool(getattr(proj, 'patch_local', False))


def scan_ops_for(encoder: nn.Module) -> 'ScanOps':
    """The scan operations of ``encoder``, refusing classes without any."""
    for cls in type(encoder).__mro__:
        if cls in _SCAN_OPS:
            return _SCAN_OPS[cls](encoder)
    names = sorted(cls.__name__ for cls in _SCAN_OPS)
    raise TypeError(f'{type(encoder).__name__} cannot be scanned: no scan '
                    f'operations are registered for it (registered: '
                    f'{names}; see register_scan_ops).')


class ScanOps:
    """Scan operations over one encoder module (held, not owned: the
    scanning encoder owns the module, so its parameter names stay the
    encoder's).

    Args:
        encoder: the joint vision-language encoder.
    """

    def __init__(self, encoder: nn.Module) -> None:
        self.encoder = encoder

    @property
    def embed_dims(self) -> int:
        return self.encoder.embed_dims

    @property
    def patch_size(self) -> int:
        raise NotImplementedError

    @property
    def vocab_size(self) -> int:
        """Rows of the text embedding: token ids must stay below it."""
        raise NotImplementedError

    @property
    def num_blocks(self) -> int:
        raise NotImplementedError

    def embed_text(self, ids: Tensor, padding_mask: Tensor) -> Tensor:
        """(B, L) ids -> (B, L, C) text tokens ready for the first block."""
        raise NotImplementedError

    @property
    def patch_proj(self) -> nn.Module:
        """The patch projection: image (B, 3, H, W) -> (B, C, h, w)."""
        raise NotImplementedError

    def patch_positions(self, grid: Tuple[int, int],
                        valid_hw: Optional[Tensor]) -> Tensor:
        """(B or 1, h*w, C) what is added to the projected patches
        (positions, modality embedding)."""
        raise NotImplementedError

    def embed_patches(self,
                      img: Tensor,
                      valid_hw: Optional[Tensor],
                      index: Optional[Tensor] = None) -> Tensor:
        """(B, 3, H, W) -> (B, h*w, C) patch tokens (no [CLS]) ready for
        the first block; ``valid_hw`` (B, 2) the unpadded patch grids.

        With ``index`` (B, M), only those patches: a patch-local projection
        (see :func:`is_patch_local`) then runs on their pixels alone, so
        the cost follows the patches read.
        """
        patch = self.patch_size
        grid = (img.shape[-2] // patch, img.shape[-1] // patch)
        pos = self.patch_positions(grid, valid_hw)
        if index is None:
            return self.patch_proj(img).flatten(2).transpose(1, 2) + pos
        pos = gather_tokens(pos.expand(len(img), -1, -1), index)
        if not is_patch_local(self.patch_proj, patch):
            return gather_tokens(
                self.patch_proj(img).flatten(2).transpose(1, 2), index) + pos
        crops = gather_tokens(
            F.unfold(img, patch, stride=patch).transpose(1, 2), index)
        tokens = self.patch_proj(crops.reshape(-1, img.shape[1], patch, patch))
        return tokens.reshape(*index.shape, tokens.shape[1]) + pos

    def encode(self, x: Tensor, key_bias: Tensor, cache: SegmentKVCache,
               start: int, stop: int, modality: str) -> Tensor:
        """Blocks ``start:stop`` over a segment of one ``modality``."""
        raise NotImplementedError

    def norm(self, x: Tensor, modality: str) -> Tensor:
        """The encoder's final norm for ``modality`` tokens."""
        raise NotImplementedError


@register_scan_ops(ViLT)
class ViLTScanOps(ScanOps):
    """ViLT: one set of weights for both modalities (modality embeddings
    tell them apart)."""

    @property
    def patch_size(self) -> int:
        return self.encoder.transformer.patch_size

    @property
    def vocab_size(self) -> int:
        return self.encoder.text_embeddings.word_embeddings.num_embeddings

    @property
    def num_blocks(self) -> int:
        return len(self.encoder.blocks)

    def embed_text(self, ids: Tensor, padding_mask: Tensor) -> Tensor:
        return self.encoder.embed_text(ids)

    @property
    def patch_proj(self) -> nn.Module:
        return self.encoder.transformer.patch_embed.proj

    def patch_positions(self, grid: Tuple[int, int],
                        valid_hw: Optional[Tensor]) -> Tensor:
        return self.encoder.patch_pos_embed(grid, valid_hw) + \
            self.encoder.token_type_embeddings.weight[IMAGE_TYPE]

    def encode(self, x: Tensor, key_bias: Tensor, cache: SegmentKVCache,
               start: int, stop: int, modality: str) -> Tensor:
        return encode_segment(self.encoder.blocks[start:stop], x, key_bias,
                              cache, start)

    def norm(self, x: Tensor, modality: str) -> Tensor:
        return self.encoder.transformer.norm(x)


def cached_multiway_block_forward(layer: nn.Module, index: int, x: Tensor,
                                  key_bias: Tensor, cache: SegmentKVCache,
                                  expert: str) -> Tensor:
    """One BEiT-3 block over a segment of one modality (``expert`` ``'A'``
    vision, ``'B'`` text), attending through the cache."""
    attn = layer.self_attn

    def pick(multiway: nn.Module) -> nn.Module:
        return getattr(multiway, expert)

    normed = pick(layer.self_attn_layer_norm)(x)
    q, k, v = (
        attn._heads(pick(proj)(normed))
        for proj in (attn.q_proj, attn.k_proj, attn.v_proj))
    out = cached_attention(index, q, k, v, key_bias, cache)
    out = pick(attn.out_proj)(pick(attn.inner_attn_ln)(out))
    x = x + drop_path_streams(out, None, layer.drop_path, layer.training)[0]
    out = pick(layer.ffn)(pick(layer.final_layer_norm)(x))
    return x + drop_path_streams(out, None, layer.drop_path, layer.training)[0]


@register_scan_ops(BEiT3)
class BEiT3ScanOps(ScanOps):
    """BEiT-3: every segment is of one modality, so a scale's tokens take
    the vision experts and the text the text experts throughout."""

    experts = {VISION: 'A', TEXT: 'B'}

    @property
    def patch_size(self) -> int:
        return self.encoder.patch_size

    @property
    def vocab_size(self) -> int:
        return self.encoder.text_embed.num_embeddings

    @property
    def num_blocks(self) -> int:
        return len(self.encoder.encoder.layers)

    def embed_text(self, ids: Tensor, padding_mask: Tensor) -> Tensor:
        text = self.encoder.text_embed(ids)
        text = text + self.encoder.encoder.embed_positions.text(ids.shape[1])
        return text.masked_fill(padding_mask[..., None], 0.)

    @property
    def patch_proj(self) -> nn.Module:
        return self.encoder.vision_embed.proj

    def patch_positions(self, grid: Tuple[int, int],
                        valid_hw: Optional[Tensor]) -> Tensor:
        return self.encoder.encoder.embed_positions.vision(grid)[:, 1:]

    def encode(self, x: Tensor, key_bias: Tensor, cache: SegmentKVCache,
               start: int, stop: int, modality: str) -> Tensor:
        forward = partial(
            cached_multiway_block_forward, expert=self.experts[modality])
        return encode_segment(self.encoder.encoder.layers[start:stop], x,
                              key_bias, cache, start, forward)

    def norm(self, x: Tensor, modality: str) -> Tensor:
        return getattr(self.encoder.encoder.layer_norm,
                       self.experts[modality])(
                           x)
