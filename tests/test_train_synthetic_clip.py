"""tools/misc/train_synthetic_clip.py: a tiny CLIP trained on target
windows of the synthetic set, saved so that CLIPTeacher loads it."""
import importlib.util
import os.path as osp

import pytest
import torch
from transformers import CLIPModel
from utils_cli import ROOT

from mmvg.datasets.synthetic import read_vocab_words
from mmvg.models.distillers import CLIPTeacher
from mmvg.models.language_models import write_word_bpe

STUDENT_MEAN = [123.675, 116.28, 103.53]
STUDENT_STD = [58.395, 57.12, 57.375]


@pytest.fixture(scope='module')
def tool():
    """The script as a module (tools/ is not a package)."""
    path = osp.join(ROOT, 'tools', 'misc', 'train_synthetic_clip.py')
    spec = importlib.util.spec_from_file_location('train_synthetic_clip', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_window_is_centred_on_the_target_and_padded_with_the_mean(tool):
    image = torch.zeros(3, 40, 100, dtype=torch.uint8)
    image[:, 10, 90] = 255  # the target's centre, near the right edge
    window = tool.target_window(image, torch.tensor([86., 6., 94., 14.]))
    half = tool.WINDOW // 2
    assert window.shape == (3, tool.WINDOW, tool.WINDOW)
    assert window[:, half, half].tolist() == [255] * 3
    assert window[:, half, half - 1].tolist() == [0] * 3
    # beyond the image's right side (x >= 100) and top (y < 0): the mean
    mean = [round(v * 255) for v in (0.48145466, 0.4578275, 0.40821073)]
    assert window[:, half, half + 10].tolist() == mean
    assert window[:, half - 11, half].tolist() == mean
    assert window[:, half - 10, half].tolist() == [0] * 3


def test_pairs_of_one_target_are_not_negatives(tool, tmp_path):
    tokenizer = write_word_bpe(['the', 'red', 'circle'], str(tmp_path))
    torch.manual_seed(0)
    model = tool.build_clip(tokenizer)
    pairs = tool.Pairs(
        windows=torch.randint(0, 256, (3, 3, 64, 64), dtype=torch.uint8),
        texts=['the red circle', 'the circle', 'the red'],
        ref_ids=torch.tensor([7, 7, 7]))
    index = torch.arange(3)
    # every pair is the only one left in its row and column: no loss
    loss = tool.contrastive_loss(model,
                                 tool.make_batch(pairs, index, tokenizer))
    assert loss.item() == pytest.approx(0, abs=1e-6)
    pairs.ref_ids = torch.tensor([1, 2, 3])
    loss = tool.contrastive_loss(model,
                                 tool.make_batch(pairs, index, tokenizer))
    assert loss.item() > 0.1
    pairs.texts = ['the red circle'] * 3  # equal expressions: no negatives
    loss = tool.contrastive_loss(model,
                                 tool.make_batch(pairs, index, tokenizer))
    assert loss.item() == pytest.approx(0, abs=1e-6)


def test_trains_and_saves_a_teacher_clip_teacher_loads(tool, synthetic_root,
                                                       tmp_path):
    out = str(tmp_path / 'clip')
    tool.main([
        str(synthetic_root), '--out', out, '--epochs', '40', '--batch-size',
        '16', '--max-samples', '32', '--lr', '3e-4'
    ])
    teacher = CLIPTeacher(
        student_mean=STUDENT_MEAN,
        student_std=STUDENT_STD,
        bgr_to_rgb=True,
        name_or_path=out)
    saved = CLIPModel.from_pretrained(out)
    for (key, value), (other,
                       expected) in zip(teacher.clip.state_dict().items(),
                                        saved.state_dict().items()):
        assert key == other and torch.equal(value, expected)
    words = read_vocab_words(
        osp.join(synthetic_root, 'synthetic', 'vocab.txt'))
    assert all(
        teacher.tokenizer.tokenize(word) == [f'{word}</w>'] for word in words)
    feats = teacher(torch.randn(2, 3, 128, 96), ['the red circle', 'a star'])
    assert feats.grid == (8, 6) and feats.patches.shape == (2, 48, 128)

    # the contrastive loss of a fixed training batch went down
    tokenizer = teacher.tokenizer
    pairs = tool.load_pairs(str(synthetic_root), max_samples=16)
    batch = tool.make_batch(pairs, torch.arange(16), tokenizer)
    torch.manual_seed(0)
    untrained = tool.build_clip(tokenizer).eval()
    with torch.no_grad():
        before = tool.contrastive_loss(untrained, batch)
        after = tool.contrastive_loss(saved.eval(), batch)
    assert after < 0.5 * before
