"""tools/model_converters/simvg2mmvg.py: a checkpoint written under the
official SimVG names converts into weights that the tiny mmvg SimVG loads
strictly and that reproduce its outputs; unknown keys are refused."""
import os.path as osp

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from test_mixing import without_aids
from test_simvg_spm import load_tool as load_spm_tool
from utils_cli import ROOT, load_tool_module

from mmvg.registry import MODELS

#: mmvg module -> official module (``MIXDETRMB`` with
#: ``TextGuidedQuerySelectKDDETRHead``), as written in the official code.
OFFICIAL_MODULES = [
    ('backbone.', 'vis_enc.beit3.'),
    ('query_generator.query_embed.', 'head.query_embed.'),
    ('query_generator.text_proj.', 'head.input_text_proj.'),
    ('query_generator.decoder.',
     'head.text_guided_query_generation_transformer.'),
    ('decoder.input_proj.', 'head.input_proj.'),
    ('decoder.decoder.', 'head.transformer.decoder.'),
    ('bbox_head.decoder_branch.fc_cls.', 'head.class_embed_decoder.'),
    ('bbox_head.decoder_branch.fc_reg.', 'head.bbox_embed_decoder.'),
    ('bbox_head.token_branch.token_proj.', 'head.input_cls_proj.'),
    ('bbox_head.token_branch.token_mlp.', 'head.mlp.'),
    ('bbox_head.token_branch.fc_cls.', 'head.class_embed_token.'),
    ('bbox_head.token_branch.fc_reg.', 'head.bbox_embed_token.'),
]
DECODERS = ('head.text_guided_query_generation_transformer.',
            'head.transformer.decoder.')
#: Inside the two decoders: mmdet 3.x part -> detrex ``BaseTransformerLayer``
#: / ``TransformerLayerSequence`` attribute.
DETREX_PARTS = [('.self_attn.', '.attentions.0.'),
                ('.cross_attn.', '.attentions.1.'), ('.ffn.', '.ffns.0.'),
                ('post_norm.', 'post_norm_layer.')]
#: Official entries without an mmvg place (pre-training / loss buffers).
EXTRA_OFFICIAL = {
    'vis_enc.beit3.vision_embed.mask_token': (1, 1, 128),
    'head.criterion.empty_weight': (2, ),
    'head.criterion_harddistill.empty_weight': (2, ),
}
#: Official names that the tiny model's checkpoint must hold, verbatim.
OFFICIAL_SAMPLES = [
    'vis_enc.beit3.text_embed.weight',
    'vis_enc.beit3.vision_embed.cls_token',
    'vis_enc.beit3.encoder.embed_positions.A.weight',
    'vis_enc.beit3.encoder.layers.3.self_attn.q_proj.B.bias',
    'vis_enc.beit3.encoder.layers.0.ffn.A.ffn_layernorm.weight',
    'vis_enc.beit3.encoder.layer_norm.B.weight',
    'head.query_embed.weight',
    'head.input_text_proj.weight',
    'head.text_guided_query_generation_transformer.layers.1.attentions.1'
    '.attn.in_proj_weight',
    'head.text_guided_query_generation_transformer.post_norm_layer.bias',
    'head.input_proj.weight',
    'head.transformer.decoder.layers.0.attentions.0.attn.out_proj.weight',
    'head.transformer.decoder.layers.1.ffns.0.layers.0.0.weight',
    'head.transformer.decoder.layers.1.ffns.0.layers.1.bias',
    'head.transformer.decoder.layers.1.norms.2.weight',
    'head.transformer.decoder.post_norm_layer.weight',
    'head.class_embed_decoder.bias',
    'head.bbox_embed_decoder.layers.2.weight',
    'head.input_cls_proj.weight',
    'head.mlp.layers.0.bias',
    'head.class_embed_token.weight',
    'head.bbox_embed_token.layers.0.bias',
]


def load_converter():
    return load_tool_module('model_converters/simvg2mmvg.py')


def official_name(key: str) -> str:
    for ours, theirs in OFFICIAL_MODULES:
        if key.startswith(ours):
            name = theirs + key[len(ours):]
            if theirs in DECODERS:
                for part, detrex in DETREX_PARTS:
                    name = name.replace(part, detrex)
            return name
    raise KeyError(key)


def official_state_dict(model, offset: float = 0.) -> dict:
    """``model``'s weights (+ ``offset``) under the official names, the 1x1
    conv kernel and the official-only entries included."""
    state = {}
    for key, value in model.state_dict().items():
        value = value + offset
        if key == 'decoder.input_proj.weight':
            value = value[:, :, None, None]  # Conv2d(in, embed, 1)
        state[official_name(key)] = value
    for key, shape in EXTRA_OFFICIAL.items():
        state[key] = torch.ones(shape)
    return state


@pytest.fixture(scope='module')
def tiny_simvg(synthetic_root):
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'synthetic', 'simvg_tiny_synthetic.py'))
    cfg.model.tokenizer.spm_path = load_spm_tool().make_synthetic_spm(
        str(synthetic_root))
    # SimVG as released: without the tiny config's from-scratch aids
    cfg.model.backbone.pop('patch_embed')
    cfg.model.backbone.pop('init_cfg')
    cfg.model = without_aids(cfg.model)

    def build(seed: int):
        torch.manual_seed(seed)
        return MODELS.build(cfg.model).eval()

    return build


def outputs(model) -> list:
    samples = []
    for text in ('the red circle', 'the blue square left of the circle'):
        sample = DetDataSample(
            metainfo=dict(img_shape=(64, 64), batch_input_shape=(64, 64)))
        sample.text = text
        samples.append(sample)
    torch.manual_seed(0)
    inputs = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        raw = model(inputs, samples, mode='tensor')
    return [t for branch in ('db', 'tb') for t in raw[branch]]


def test_official_checkpoint_converts_and_reproduces(tiny_simvg, tmp_path):
    source = tiny_simvg(0)
    official = official_state_dict(source)
    assert set(OFFICIAL_SAMPLES) <= set(official)
    assert official['head.input_proj.weight'].dim() == 4
    # distributed training prefixes the EMA copy with ``module.``
    ema = {
        f'module.{k}': v
        for k, v in official_state_dict(source, offset=1.).items()
    }
    src = tmp_path / 'official.pth'
    torch.save(
        dict(
            epoch=29,
            lr=5e-6,
            d_acc=torch.tensor(80.),
            amp=False,
            state_dict=official,
            ema_state_dict=ema,
            optimizer=dict(state={}, param_groups=[dict(lr=5e-6)]),
            scheduler=dict(last_epoch=29, base_lrs=[5e-4])), src)
    converter = load_converter()

    converter.main([str(src), str(tmp_path / 'mmvg.pth')])
    checkpoint = torch.load(tmp_path / 'mmvg.pth', weights_only=True)
    assert checkpoint['meta']['source_entry'] == 'state_dict'
    target = tiny_simvg(1)
    assert not all(
        torch.equal(a, b) for a, b in zip(outputs(source), outputs(target)))
    target.load_state_dict(checkpoint['state_dict'], strict=True)
    for ours, theirs in zip(outputs(target), outputs(source)):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=0)

    converter.main([str(src), str(tmp_path / 'ema.pth'), '--ema'])
    ema_weights = torch.load(
        tmp_path / 'ema.pth', weights_only=True)['state_dict']
    for key, value in source.state_dict().items():
        assert torch.equal(ema_weights[key], value + 1.), key


@pytest.mark.parametrize(
    'key',
    [
        # only_decoder=False
        'head.transformer.encoder.layers.0.norms.0.weight',
        'head.transformer.decoder.layers.0.attentions.2.attn.in_proj_weight',
        'head.mlp.weight',  # the token MLP holds only layers.N
    ])
def test_unknown_keys_are_named(key, tmp_path):
    converter = load_converter()
    state = {'head.query_embed.weight': torch.zeros(1, 4), key: torch.zeros(4)}
    with pytest.raises(ValueError, match=key.replace('.', r'\.')):
        converter.convert_simvg_state_dict(state)
    torch.save(dict(state_dict=state), tmp_path / 'bad.pth')
    with pytest.raises(SystemExit, match=key.replace('.', r'\.')):
        converter.main([str(tmp_path / 'bad.pth'), str(tmp_path / 'x.pth')])
    with pytest.raises(SystemExit, match='ema = False'):
        converter.main(
            [str(tmp_path / 'bad.pth'),
             str(tmp_path / 'x.pth'), '--ema'])


def test_token_branch_keys():
    rename = load_converter().rename_key
    assert rename('head.input_cls_proj.weight') == \
        'bbox_head.token_branch.token_proj.weight'
    # num_token_mlp_layers=2: the MLP keeps its layer indices
    assert rename('head.mlp.layers.1.bias') == \
        'bbox_head.token_branch.token_mlp.layers.1.bias'
