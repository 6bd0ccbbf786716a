"""Train a tiny CLIP on the built-in synthetic set: the teacher of the tiny
EpmVG configs (configs/synthetic/epmvg_tiny_synthetic*.py).

OpenAI's CLIP has never seen the synthetic shapes and cannot teach a
student about them, so the tiny experiment trains its own: a transformers
``CLIPModel`` (small ``CLIPConfig``, random init) trained contrastively on
pairs of the training split, read through mmvg's ``RefCOCODataset``.

Pairs are (target window, expression), not (whole image, expression). An
image holds 3-5 shapes and its expressions name different ones, so a whole
image is the positive of expressions about different objects and does not
tell which one an expression means: the contrastive task would only teach
which shapes an image contains. The distiller, however, reads the teacher's
patch embeddings and its patch-to-expression similarity map, which should
single out the referred object. So each expression is paired with a
``WINDOW`` x ``WINDOW`` window of its image centred on its target, at the
tiny configs' scale (longer side ``IMAGE_SIDE``, ``PATCH`` px patches, as
the teacher later reads the student's whole batch): objects look the same
in training as when the teacher reads the student's images, and the window
keeps some surroundings. Words about other objects (relations, ordinals)
are only partly visible in a window; the attribute words of the target
are. Outside the image the window holds CLIP's mean colour (0 after
normalisation, as the student's padding). Other expressions of the same
target and equal expressions are left out of each other's negatives.

Writes ``--out``: the model (``save_pretrained``) and a CLIP tokenizer
(``vocab.json`` + ``merges.txt``) made from the set's vocabulary
(``synthetic/vocab.txt``), one token per word, so that
``CLIPTeacher(name_or_path=OUT)`` loads both.

Example::

    python tools/dataset_converters/make_synthetic_refs.py data/synthetic \\
        --num-images 8000 --seed 0
    python tools/misc/train_synthetic_clip.py data/synthetic \\
        --out work_dirs/synthetic_clip
"""
import argparse
import math
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from torch import Tensor
from transformers import CLIPModel, CLIPTokenizer
from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

from mmvg.datasets.synthetic import read_vocab_words
from mmvg.models.distillers import CLIPTeacher
from mmvg.models.language_models import write_word_bpe
from mmvg.registry import DATASETS
from mmvg.utils import register_all_modules

#: the tiny configs' image scale (longer side) and the student's stride
IMAGE_SIDE = 128
PATCH = 16
#: side of the training windows (a 4 x 4 patch grid)
WINDOW = 64
TOWER = dict(
    hidden_size=128,
    intermediate_size=512,
    num_hidden_layers=3,
    num_attention_heads=4)
#: the CLIPConfig kwargs of the teacher (text ids come from the tokenizer)
CLIP_CONFIG = dict(
    text_config=dict(TOWER, max_position_embeddings=32),
    vision_config=dict(TOWER, image_size=WINDOW, patch_size=PATCH),
    projection_dim=128)


@dataclass
class Pairs:
    """Training pairs: RGB ``windows`` (N, 3, WINDOW, WINDOW) uint8, their
    ``texts`` and the ``ref_ids`` of their targets."""

    windows: Tensor
    texts: List[str]
    ref_ids: Tensor


def target_window(image: Tensor, box: Tensor) -> Tensor:
    """The (3, WINDOW, WINDOW) window of an RGB uint8 (3, H, W) ``image``
    centred on the centre of ``box`` (x1, y1, x2, y2), CLIP's mean colour
    outside the image."""
    half = WINDOW // 2
    mean = torch.tensor(OPENAI_CLIP_MEAN).mul(255).round().to(torch.uint8)
    padded = mean.view(3, 1, 1).repeat(1, image.shape[1] + WINDOW,
                                       image.shape[2] + WINDOW)
    padded[:, half:half + image.shape[1], half:half + image.shape[2]] = image
    cx, cy = (int((box[i] + box[i + 2]) / 2) for i in (0, 1))
    return padded[:, cy:cy + WINDOW, cx:cx + WINDOW]


def load_pairs(data_root: str, max_samples: Optional[int] = None) -> Pairs:
    """The (target window, expression) pairs of the training split, the
    first ``max_samples`` of them when given."""
    dataset = DATASETS.build(
        dict(
            type='RefCOCODataset',
            data_root=data_root,
            ann_file='synthetic/instances.json',
            split_file='synthetic/refs(unc).p',
            split='train',
            data_prefix=dict(img_path='images/'),
            pipeline=[
                dict(type='LoadGroundingImage'),
                dict(type='LoadAnnotations', with_bbox=True),
                dict(
                    type='Resize',
                    scale=(IMAGE_SIDE, IMAGE_SIDE),
                    keep_ratio=True),
                dict(type='PackGroundingInputs')
            ]))
    windows, texts, ref_ids = [], [], []
    for index in range(min(len(dataset), max_samples or len(dataset))):
        sample = dataset[index]
        image, data_sample = sample['inputs'].flip(0), sample['data_samples']
        box = data_sample.gt_instances.bboxes.tensor[0]
        windows.append(target_window(image, box))
        texts.append(data_sample.text)
        ref_ids.append(data_sample.metainfo['ref_id'])
    return Pairs(torch.stack(windows), texts, torch.tensor(ref_ids))


def make_batch(pairs: Pairs, index: Tensor,
               tokenizer: CLIPTokenizer) -> Dict[str, Tensor]:
    """The model inputs of the pairs ``index``: CLIP-normalised pixels,
    token ids and masks, and which pairs may not be each other's
    negatives (``same``: the same target or the same expression)."""
    mean = torch.tensor(OPENAI_CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(OPENAI_CLIP_STD).view(1, 3, 1, 1)
    pixels = (pairs.windows[index].float() / 255 - mean) / std
    texts = [pairs.texts[i] for i in index.tolist()]
    tokens = tokenizer(texts, padding=True, return_tensors='pt')
    refs = pairs.ref_ids[index]
    same_text = torch.tensor([[a == b for b in texts] for a in texts])
    return dict(
        pixel_values=pixels,
        input_ids=tokens['input_ids'],
        attention_mask=tokens['attention_mask'],
        same=(refs[:, None] == refs[None]) | same_text)


def contrastive_loss(model: CLIPModel, batch: Dict[str, Tensor]) -> Tensor:
    """CLIP's symmetric cross-entropy over the batch, with the pairs marked
    ``same`` (off the diagonal) left out of the negatives."""
    out = model(
        pixel_values=batch['pixel_values'],
        input_ids=batch['input_ids'],
        attention_mask=batch['attention_mask'])
    same = batch['same'] & ~torch.eye(len(batch['same']), dtype=torch.bool)
    logits = out.logits_per_image.masked_fill(same, float('-inf'))
    target = torch.arange(len(logits))
    return (F.cross_entropy(logits, target) +
            F.cross_entropy(logits.t(), target)) / 2


def build_clip(tokenizer: CLIPTokenizer) -> CLIPModel:
    """The teacher, randomly initialised, with ``tokenizer``'s text ids."""
    return CLIPModel(CLIPTeacher.clip_config(CLIP_CONFIG, tokenizer))


def train(model: CLIPModel, pairs: Pairs, tokenizer: CLIPTokenizer,
          epochs: int, batch_size: int, lr: float) -> None:
    """AdamW with a cosine schedule, shuffled batches (the last one kept
    when it has 2 pairs or more); logs the mean loss of each epoch."""
    steps_per_epoch = math.ceil(len(pairs.texts) / batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=epochs * steps_per_epoch)
    model.train()
    for epoch in range(epochs):
        losses = []
        for index in torch.randperm(len(pairs.texts)).split(batch_size):
            if len(index) < 2:
                continue
            loss = contrastive_loss(model, make_batch(pairs, index, tokenizer))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            with torch.no_grad():  # CLIP's cap on the temperature
                model.logit_scale.clamp_(max=math.log(100))
            losses.append(loss.item())
        print_log(f'epoch {epoch + 1}/{epochs}: contrastive loss '
                  f'{sum(losses) / len(losses):.4f}')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'data_root',
        nargs='?',
        default='data/synthetic',
        help='root of the synthetic dataset')
    parser.add_argument(
        '--out',
        default='work_dirs/synthetic_clip',
        help='folder to write the model and tokenizer to')
    parser.add_argument('--epochs', type=int, default=20)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--lr', type=float, default=3e-4)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--max-samples',
        type=int,
        help='train on the first N pairs of the split only')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    register_all_modules()
    torch.manual_seed(args.seed)
    tokenizer = write_word_bpe(
        read_vocab_words(osp.join(args.data_root, 'synthetic', 'vocab.txt')),
        args.out)
    pairs = load_pairs(args.data_root, args.max_samples)
    print_log(f'{len(pairs.texts)} (target window, expression) pairs')
    model = build_clip(tokenizer)
    train(model, pairs, tokenizer, args.epochs, args.batch_size, args.lr)
    model.save_pretrained(args.out)
    print_log(f'wrote {args.out}')


if __name__ == '__main__':
    main()
