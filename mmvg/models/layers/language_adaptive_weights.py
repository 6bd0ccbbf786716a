"""Language adaptive weight generation of VG-LAW (CVPR 2023)."""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmvg.registry import MODELS


@MODELS.register_module()
class LanguageAdaptiveWeights(nn.Module):
    """Generate per-expression qkv weights for every block of a ViT.

    For block i, a layer embedding ``e_i`` (d_l) and the language features
    F_l (B, L, d_l) are split into G groups; per group a softmax over the
    tokens of ``e_i^g . F_l^g`` (padding masked out) weights the token
    features, and the weighted sums, concatenated, give ``h0_i`` (d_l).
    ``h1_i = GELU(FC_i(h0_i))`` has d_h = d_l / r channels, and

        [W_q, W_k, W_v]_i = W0_i + P Phi_i(h1_i) Q^T,

    with W0_i the block's static qkv weight (d_out x d_in), P (d_out x d_w,
    ``out_basis``) and Q (d_in x d_w, ``in_basis``) shared by all blocks and
    ``Phi_i`` an FC (``phi_weight/bias``) producing a
    d_w x d_w matrix. ``Phi_i`` starts at zero, so a fresh generator leaves
    the ViT unchanged. All blocks and samples are computed at once. The
    dot products are unscaled, as the paper writes them; ``e_i`` starts
    small (std 0.02), so the first token weights are near uniform.

    :meth:`forward` returns the dynamic cores ``Phi_i(h1_i)``;
    :meth:`add_qkv_delta` applies ``P Phi Q^T`` to tokens in factored form
    (x Q Phi^T P^T), equal to using the generated weights without ever
    building the B x d_out x d_in tensors; :meth:`delta_weights` builds them
    for inspection.

    Args:
        num_layers: ViT blocks to generate weights for.
        in_dims: d_in, the ViT's token channels.
        out_dims: d_out, rows of the qkv weight (3 * in_dims).
        lang_dims: d_l, language feature channels.
        num_groups: G; must divide ``lang_dims``.
        reduction: r in d_h = d_l / r (16 in the paper).
        dynamic_dims: d_w (32 in a public re-implementation; the paper's
            notes do not state it).
    """

    def __init__(self,
                 num_layers: int,
                 in_dims: int,
                 out_dims: int,
                 lang_dims: int = 768,
                 num_groups: int = 12,
                 reduction: int = 16,
                 dynamic_dims: int = 32) -> None:
        super().__init__()
        if lang_dims % num_groups or lang_dims % reduction:
            raise ValueError(f'lang_dims {lang_dims} must be divisible by '
                             f'num_groups {num_groups} and reduction '
                             f'{reduction}.')
        self.num_layers = num_layers
        self.lang_dims = lang_dims
        self.num_groups = num_groups
        self.dynamic_dims = dynamic_dims
        hidden_dims = lang_dims // reduction
        # Per-layer FCs as stacked tensors: one einsum serves all layers.
        self.layer_embeds = nn.Parameter(torch.empty(num_layers, lang_dims))
        self.reduce_weight = nn.Parameter(
            torch.empty(num_layers, hidden_dims, lang_dims))
        self.reduce_bias = nn.Parameter(torch.empty(num_layers, hidden_dims))
        self.phi_weight = nn.Parameter(
            torch.empty(num_layers, dynamic_dims**2, hidden_dims))
        self.phi_bias = nn.Parameter(torch.empty(num_layers, dynamic_dims**2))
        self.out_basis = nn.Parameter(torch.empty(out_dims, dynamic_dims))
        self.in_basis = nn.Parameter(torch.empty(in_dims, dynamic_dims))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Phi at zero; the FCs, P and Q as torch's Linear default.

        That default is U(+-1 / sqrt(fan_in)) with fan-in d_l for the
        reduction FC, d_w for P (d_w -> d_out) and d_in for Q (d_in -> d_w).
        """
        nn.init.trunc_normal_(self.layer_embeds, std=0.02)
        for param, fan_in in ((self.reduce_weight, self.lang_dims),
                              (self.reduce_bias, self.lang_dims),
                              (self.out_basis, self.dynamic_dims),
                              (self.in_basis, self.in_basis.shape[0])):
            bound = 1 / math.sqrt(fan_in)
            nn.init.uniform_(param, -bound, bound)
        nn.init.zeros_(self.phi_weight)
        nn.init.zeros_(self.phi_bias)

    def forward(self,
                lang_feats: Tensor,
                lang_padding_mask: Optional[Tensor] = None) -> Tensor:
        """Dynamic cores of all blocks.

        Args:
            lang_feats: (B, L, d_l) language token features.
            lang_padding_mask: (B, L) bool, True at padding tokens.

        Returns:
            (B, num_layers, d_w, d_w) ``Phi_i(h1_i)`` per sample and block.
        """
        batch, length, channels = lang_feats.shape
        if channels != self.lang_dims:
            raise ValueError(f'lang_feats have {channels} channels, '
                             f'expected {self.lang_dims}.')
        feats = lang_feats.reshape(batch, length, self.num_groups, -1)
        embeds = self.layer_embeds.view(self.num_layers, self.num_groups, -1)
        logits = torch.einsum('blgc,ngc->bngl', feats, embeds)
        if lang_padding_mask is not None:
            if lang_padding_mask.shape != (batch, length):
                raise ValueError(f'lang_padding_mask has shape '
                                 f'{tuple(lang_padding_mask.shape)}, expected '
                                 f'{(batch, length)}.')
            if lang_padding_mask.all(dim=1).any():
                raise ValueError('An expression has only padding tokens.')
            logits = logits.masked_fill(lang_padding_mask[:, None, None],
                                        float('-inf'))
        weights = logits.softmax(dim=-1)
        h0 = torch.einsum('bngl,blgc->bngc', weights, feats).flatten(2)
        h1 = F.gelu(
            torch.einsum('bnc,nhc->bnh', h0, self.reduce_weight) +
            self.reduce_bias)
        cores = torch.einsum('bnh,nkh->bnk', h1, self.phi_weight) + \
            self.phi_bias
        return cores.view(batch, self.num_layers, self.dynamic_dims,
                          self.dynamic_dims)

    def add_qkv_delta(self, x: Tensor, qkv: Tensor, cores: Tensor) -> Tensor:
        """Add ``x (P Phi Q^T)^T`` to ``qkv`` in place and return it.

        In place because a separate (B, N, d_out) sum costs about half of
        the static qkv projection on CPU, the fused ``addmm_`` almost nothing.

        Args:
            x: (B, N, d_in) tokens entering the qkv projection.
            qkv: (B, N, d_out) contiguous static projection ``x W0^T + b``.
            cores: (B, d_w, d_w) one block's dynamic cores.
        """
        low_rank = (x @ self.in_basis) @ cores.transpose(1, 2)
        # In-place ops skip autocast: match qkv's dtype by hand.
        qkv.view(-1, qkv.shape[-1]).addmm_(
            low_rank.reshape(-1, self.dynamic_dims).to(qkv.dtype),
            self.out_basis.t().to(qkv.dtype))
        return qkv

    def delta_weights(self, cores: Tensor) -> Tensor:
        """``P Phi Q^T``: (B, num_layers, d_out, d_in) from :meth:`forward`."""
        return self.out_basis @ cores @ self.in_basis.t()
