"""Weights converted from the official SimVG head give its outputs.

``OfficialHead`` restates, in plain torch, the inference path of the
official ``TextGuidedQuerySelectKDDETRHead.forward_general`` (Dmmm1997/SimVG,
``simvg/models/heads/tgqs_kd_detr_head/``) with ``only_decoder=True`` and
``text_guided_query_generation=True`` as in the released configs: detrex's
post-norm DETR decoder layers, ``PositionEmbeddingSine1D`` and the text
max-pool exactly as written there (on the integer padding mask that the
official data pipeline hands over, 1 = padding). Its module names are the
official ones, so its state dict goes through the checkpoint converter into
mmvg's query stage (``TextGuidedQueryGenerator``, ``VisualQueryDecoder``)
and ``SimVGHead``.
"""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from utils_cli import load_tool_module

from mmvg.models.heads.simvg_head import SimVGHead
from mmvg.models.layers import TextGuidedQueryGenerator, VisualQueryDecoder
from mmvg.structures import GroundingFeatures

B, C, D, Q, HEADS, FFN = 2, 12, 16, 3, 8, 32
H, W, PATCH = 4, 6, 16


def holder(**children: nn.Module) -> nn.Module:
    module = nn.Module()
    for name, child in children.items():
        module.add_module(name, child)
    return module


class OfficialMLP(nn.Module):
    """``simvg/models/heads/utils.py`` ``MLP``."""

    def __init__(self,
                 input_dim,
                 hidden_dim,
                 output_dim,
                 num_layers,
                 return_intermediate=False):
        super().__init__()
        self.num_layers = num_layers
        h = [hidden_dim] * (num_layers - 1)
        self.layers = nn.ModuleList(
            nn.Linear(n, k) for n, k in zip([input_dim] + h, h + [output_dim]))
        self.return_intermediate = return_intermediate

    def forward(self, x):
        intermediate = []
        for i, layer in enumerate(self.layers):
            x = F.relu(layer(x)) if i < self.num_layers - 1 else layer(x)
            intermediate.append(x)
        return torch.stack(intermediate) if self.return_intermediate else x


def position_embedding_1d(text):
    """``PositionEmbeddingSine1D.forward`` (its ``.cuda()`` left out)."""
    pos_len, dim = text.shape[1:]
    position_emb = torch.zeros(pos_len, dim, dtype=torch.float)
    i_matrix = torch.arange(dim // 2, dtype=torch.float)
    i_matrix /= dim / 2
    i_matrix = torch.pow(10000, i_matrix)
    i_matrix = 1 / i_matrix
    i_matrix = i_matrix.to(torch.long)
    pos_vec = torch.arange(pos_len).to(torch.long)
    out = pos_vec[:, None] @ i_matrix[None, :]
    position_emb[:, 0::2] = torch.sin(out)
    position_emb[:, 1::2] = torch.cos(out)
    return position_emb


def position_embedding_2d(mask, num_pos_feats):
    """detrex ``PositionEmbeddingSine(normalize=True)``."""
    not_mask = ~mask
    y_embed = not_mask.cumsum(1, dtype=torch.float32)
    x_embed = not_mask.cumsum(2, dtype=torch.float32)
    y_embed = y_embed / (y_embed[:, -1:, :] + 1e-6) * 2 * math.pi
    x_embed = x_embed / (x_embed[:, :, -1:] + 1e-6) * 2 * math.pi
    dim_t = torch.arange(num_pos_feats, dtype=torch.float32)
    dim_t = 10000**(2 * torch.div(dim_t, 2, rounding_mode='floor') /
                    num_pos_feats)
    pos_x = x_embed[:, :, :, None] / dim_t
    pos_y = y_embed[:, :, :, None] / dim_t
    b, h, w = mask.size()
    pos_x = torch.stack((pos_x[..., 0::2].sin(), pos_x[..., 1::2].cos()),
                        dim=4).view(b, h, w, -1)
    pos_y = torch.stack((pos_y[..., 0::2].sin(), pos_y[..., 1::2].cos()),
                        dim=4).view(b, h, w, -1)
    return torch.cat((pos_y, pos_x), dim=3).permute(0, 3, 1, 2)


class DetrexDecoder(nn.Module):
    """detrex ``DetrTransformerDecoder`` (sequence first): layers of
    (self_attn, norm, cross_attn, norm, ffn, norm) and a post norm."""

    def __init__(self, num_layers, feedforward_dim, return_intermediate):
        super().__init__()
        self.layers = nn.ModuleList(
            holder(
                attentions=nn.ModuleList(
                    holder(attn=nn.MultiheadAttention(D, HEADS))
                    for _ in range(2)),
                ffns=nn.ModuleList([
                    holder(
                        layers=nn.Sequential(
                            nn.Sequential(
                                nn.Linear(D, feedforward_dim), nn.ReLU()),
                            nn.Linear(feedforward_dim, D)))
                ]),
                norms=nn.ModuleList(nn.LayerNorm(D) for _ in range(3)))
            for _ in range(num_layers))
        self.post_norm_layer = nn.LayerNorm(D)
        self.return_intermediate = return_intermediate

    def forward(self, query, key, value, query_pos, key_pos, key_padding_mask):
        intermediate = []
        for layer in self.layers:
            self_attn, cross_attn = (a.attn for a in layer.attentions)
            q = query + query_pos
            query = layer.norms[0](query + self_attn(q, q, query)[0])
            query = layer.norms[1](
                query + cross_attn(
                    query + query_pos,
                    key + key_pos,
                    value,
                    key_padding_mask=key_padding_mask)[0])
            query = layer.norms[2](query + layer.ffns[0].layers(query))
            intermediate.append(self.post_norm_layer(query))
        if self.return_intermediate:
            return torch.stack(intermediate)
        return intermediate[-1][None]


class OfficialHead(nn.Module):

    def __init__(self, num_token_mlp_layers):
        super().__init__()
        self.transformer = holder(decoder=DetrexDecoder(3, FFN, True))
        self.input_proj = nn.Conv2d(C, D, kernel_size=1)
        self.input_text_proj = nn.Linear(C, D)
        self.input_cls_proj = nn.Linear(C, D)
        self.query_embed = nn.Embedding(Q, D)
        self.mlp = OfficialMLP(
            D, D, D, num_token_mlp_layers, return_intermediate=True)
        self.class_embed_decoder = nn.Linear(D, 2)
        self.bbox_embed_decoder = OfficialMLP(D, D, 4, 3)
        self.class_embed_token = nn.Linear(D, 2)
        self.bbox_embed_token = OfficialMLP(D, D, 4, 3)
        self.text_guided_query_generation_transformer = DetrexDecoder(
            2, FFN, False)

    def forward(self, x_mm, img_metas, cls_feat, text_feat, text_mask):
        x_mm = self.input_proj(x_mm)
        text_feat = self.input_text_proj(text_feat)
        cls_feat = self.input_cls_proj(cls_feat).unsqueeze(1)
        # x_mask_pos_enc
        input_img_h, input_img_w = img_metas[0]['batch_input_shape']
        img_masks = x_mm.new_ones((x_mm.size(0), input_img_h, input_img_w))
        for img_id in range(x_mm.size(0)):
            img_h, img_w, _ = img_metas[img_id]['img_shape']
            img_masks[img_id, :img_h, :img_w] = 0
        img_masks = F.interpolate(
            img_masks.unsqueeze(1),
            size=x_mm.size()[-2:]).to(torch.bool).squeeze(1)
        pos_embed = position_embedding_2d(img_masks, D // 2)
        # text guided query generation
        cls_feat = cls_feat.repeat((1, Q, 1))
        text_feat_filter = torch.cat(
            list(
                map(
                    lambda feat, mask: torch.max(
                        feat[mask, :], dim=0, keepdim=True)[0], text_feat,
                    ~text_mask))).unsqueeze(1).repeat(1, Q, 1)
        query_embed_input = self.query_embed.weight.unsqueeze(0).repeat(
            x_mm.shape[0], 1, 1).transpose(0, 1)
        target = torch.zeros_like(query_embed_input)
        text_pos_embed = position_embedding_1d(text_feat).unsqueeze(0).repeat(
            text_feat.shape[0], 1, 1).permute(1, 0, 2)
        text_feat_input = text_feat.transpose(0, 1)
        query_embed = self.text_guided_query_generation_transformer(
            query=target,
            key=text_feat_input,
            value=text_feat_input,
            key_pos=text_pos_embed,
            query_pos=query_embed_input,
            key_padding_mask=text_mask.bool())
        query_embed = query_embed[0].transpose(0, 1) + text_feat_filter + \
            query_embed_input.transpose(0, 1)
        cls_feat = self.mlp(query_embed + cls_feat)
        token = (self.class_embed_token(cls_feat)[-1],
                 self.bbox_embed_token(cls_feat).sigmoid()[-1])
        # DetrTransformer with only_decoder=True
        bs, c, h, w = x_mm.shape
        memory = x_mm.view(bs, c, -1).permute(2, 0, 1)
        pos = pos_embed.view(bs, c, -1).permute(2, 0, 1)
        query_pos = query_embed.transpose(0, 1)
        hidden_states = self.transformer.decoder(
            query=torch.zeros_like(query_pos),
            key=memory,
            value=memory,
            key_pos=pos,
            query_pos=query_pos,
            key_padding_mask=img_masks.view(bs, -1)).transpose(1, 2)
        decoder = (self.class_embed_decoder(hidden_states),
                   self.bbox_embed_decoder(hidden_states).sigmoid())
        return query_embed, token, decoder


def convert(state_dict):
    converter = load_tool_module('model_converters/simvg2mmvg.py')
    return converter.convert_simvg_state_dict(state_dict)


@pytest.mark.parametrize('num_token_mlp_layers', [1, 2])
def test_converted_head_gives_the_official_outputs(num_token_mlp_layers):
    torch.manual_seed(0)
    official = OfficialHead(num_token_mlp_layers).eval()
    state = {f'head.{k}': v for k, v in official.state_dict().items()}
    # mmvg's SimVG keeps TQG and the decoder in the grounder's query stage
    # and the two branches' predictors in the head
    query_generator = TextGuidedQueryGenerator(
        num_queries=Q,
        in_channels=C,
        embed_dims=D,
        num_layers=2,
        num_heads=HEADS,
        ffn_dims=FFN).eval()
    decoder = VisualQueryDecoder(
        in_channels=C,
        embed_dims=D,
        num_layers=3,
        num_heads=HEADS,
        ffn_dims=FFN).eval()
    mmvg_head = SimVGHead(
        in_channels=C,
        num_queries=Q,
        decoder_branch=dict(type='SimVGDecoderBranch', embed_dims=D),
        token_branch=dict(
            type='SimVGTokenBranch',
            embed_dims=D,
            num_token_mlp_layers=num_token_mlp_layers)).eval()
    converted = convert(state)
    for prefix, module in (('query_generator.', query_generator),
                           ('decoder.', decoder), ('bbox_head.', mmvg_head)):
        module.load_state_dict(
            {
                k[len(prefix):]: v
                for k, v in converted.items() if k.startswith(prefix)
            },
            strict=True)

    vision = torch.randn(B, 1 + H * W, C)
    text = torch.randn(B, 6, C)
    # BEiT-3 tokens padded to a fixed length; sample 0 fills it
    text_mask = torch.tensor([[0] * 6, [0, 0, 0, 1, 1, 1]])
    # sample 1 is 64 of 96 pixels wide: its last 2 patch columns are padding
    img_metas = [
        dict(
            batch_input_shape=(H * PATCH, W * PATCH),
            img_shape=(H * PATCH, w, 3)) for w in (96, 64)
    ]
    with torch.no_grad():
        official_queries, token, official_decoder = official(
            vision[:, 1:].transpose(1, 2).reshape(B, C, H, W), img_metas,
            vision[:, 0], text, text_mask)
        visual_mask = torch.zeros(B, H, W, dtype=torch.bool)
        visual_mask[1, :, -2:] = True
        feats = GroundingFeatures(
            visual=vision[:, 1:],
            visual_hw=(H, W),
            visual_mask=visual_mask.flatten(1),
            input_hw=(H * PATCH, W * PATCH),
            text=text,
            text_mask=text_mask.bool(),
            object_token=vision[:, 0])
        queries = query_generator(feats, img_metas)
        ours_queries = queries.embed
        feats = feats.replace(
            queries=queries.replace(states=decoder(feats, queries)))
        ours = mmvg_head(feats, img_metas)

    def close(actual, expected):
        torch.testing.assert_close(actual, expected, rtol=0, atol=1e-5)

    close(ours_queries, official_queries)
    close(ours['tb'][0][0], token[0])
    close(ours['tb'][1][0], token[1])
    close(ours['db'][0], official_decoder[0])
    close(ours['db'][1], official_decoder[1])
