"""A frozen CLIP teacher that reads the student's images and expressions."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor
from transformers import CLIPConfig, CLIPModel, CLIPTokenizer
from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

from mmvg.registry import MODELS
from .clip_features import CLIPFeatures


@MODELS.register_module()
class CLIPTeacher(BaseModule):
    """transformers' ``CLIPModel``, frozen, as a distillation teacher.

    The CLIP model is kept outside the module tree (:attr:`clip`), so it
    has no entry in ``parameters()`` or ``state_dict()``: checkpoints of
    the student do not carry it, loading them never asks for it, and
    optimizers, DDP and EMA never see it. It follows the student's
    ``.to()`` / ``.cuda()`` / ``.half()``, never requires gradients, runs
    under ``torch.no_grad`` and stays in eval mode (no dropout) whatever
    ``train()`` says. Its weights come from ``name_or_path`` each time.

    Images: the inputs are the student's batch, normalised with the
    student's ``student_mean`` / ``student_std`` (pixel units, 0..255, as
    mmdet's ``DetDataPreprocessor`` takes them). They are mapped to CLIP's
    normalisation (``clip_mean`` / ``clip_std``, on 0..1 pixels, OpenAI's
    by default) by the exact affine map, and read at the student's input
    size with CLIP's position embeddings interpolated (bicubic, by
    transformers). A side that is not a multiple of the patch size is
    resized (bilinear) to the nearest multiple (halves up), so the patch
    grid still covers the whole input.

    Args:
        student_mean: the student's per-channel mean, in its channel order.
        student_std: the student's per-channel std.
        name_or_path: a pretrained CLIP (hub id or local folder).
        config: kwargs of a ``CLIPConfig`` (``text_config``,
            ``vision_config``, ``projection_dim``, ...) for a randomly
            initialised CLIP (tests, tiny runs); its text ids (vocabulary
            size, bos/eos/pad) are taken from the tokenizer.
        tokenizer: a folder with CLIP's ``vocab.json`` and ``merges.txt``;
            defaults to ``name_or_path``.
        clip_mean: CLIP's per-channel mean (RGB, 0..1 pixels).
        clip_std: CLIP's per-channel std.
        bgr_to_rgb: the student's inputs are BGR (flip them for CLIP).
        max_length: token limit incl. start/end tokens; defaults to CLIP's
            number of text positions (77 for OpenAI's models).
    """

    def __init__(self,
                 student_mean: Sequence[float],
                 student_std: Sequence[float],
                 name_or_path: Optional[str] = None,
                 config: Optional[dict] = None,
                 tokenizer: Optional[str] = None,
                 clip_mean: Sequence[float] = OPENAI_CLIP_MEAN,
                 clip_std: Sequence[float] = OPENAI_CLIP_STD,
                 bgr_to_rgb: bool = False,
                 max_length: Optional[int] = None) -> None:
        super().__init__()
        if (name_or_path is None) == (config is None):
            raise ValueError('CLIPTeacher needs exactly one of '
                             '`name_or_path` and `config`.')
        tokenizer = tokenizer or name_or_path
        if tokenizer is None:
            raise ValueError('A random-init CLIPTeacher needs `tokenizer`: '
                             'a folder with vocab.json and merges.txt.')
        self.tokenizer = CLIPTokenizer.from_pretrained(tokenizer)
        model = (
            CLIPModel.from_pretrained(name_or_path) if config is None else
            CLIPModel(self.clip_config(config, self.tokenizer)))
        model.requires_grad_(False).eval()
        self._frozen = (model, )  # a tuple: not registered as a submodule
        self.embed_dims = model.config.projection_dim
        self.patch_size = model.config.vision_config.patch_size
        self.max_length = (
            max_length or model.config.text_config.max_position_embeddings)
        self.bgr_to_rgb = bgr_to_rgb
        scale, shift = self._renormalization(student_mean, student_std,
                                             clip_mean, clip_std, bgr_to_rgb)
        self.register_buffer('scale', scale, persistent=False)
        self.register_buffer('shift', shift, persistent=False)

    @staticmethod
    def clip_config(config: dict, tokenizer: CLIPTokenizer) -> CLIPConfig:
        """A ``CLIPConfig`` from the kwargs ``config``, with the text ids
        (vocabulary size, bos / eos / pad) of ``tokenizer``."""
        text_ids = dict(
            vocab_size=len(tokenizer),
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id)
        config = dict(config)
        config['text_config'] = {**config.get('text_config', {}), **text_ids}
        return CLIPConfig(**config)

    @staticmethod
    def _renormalization(student_mean: Sequence[float],
                         student_std: Sequence[float],
                         clip_mean: Sequence[float], clip_std: Sequence[float],
                         bgr_to_rgb: bool) -> Tuple[Tensor, Tensor]:
        """(scale, shift) of ``x_clip = x_student * scale + shift``, per RGB
        channel: a pixel ``p = x_s * std_s + mean_s`` (0..255) gives
        ``x_clip = (p / 255 - mean_c) / std_c``."""
        mean_s, std_s, mean_c, std_c = (
            torch.tensor(v, dtype=torch.float32)
            for v in (student_mean, student_std, clip_mean, clip_std))
        for name, value in (('student_mean', mean_s), ('student_std', std_s),
                            ('clip_mean', mean_c), ('clip_std', std_c)):
            if value.shape != (3, ):
                raise ValueError(
                    f'{name} needs 3 values, got {value.tolist()}')
        if bgr_to_rgb:
            mean_s, std_s = mean_s.flip(0), std_s.flip(0)
        scale = std_s / (255 * std_c)
        shift = (mean_s - 255 * mean_c) / (255 * std_c)
        return scale.view(3, 1, 1), shift.view(3, 1, 1)

    @property
    def clip(self) -> CLIPModel:
        """The frozen transformers ``CLIPModel``."""
        return self._frozen[0]

    def _apply(self, fn, recurse: bool = True) -> 'CLIPTeacher':
        """Move / cast the hidden CLIP model with the module."""
        self.clip._apply(fn, recurse)
        return super()._apply(fn, recurse)

    def train(self, mode: bool = True) -> 'CLIPTeacher':
        """Stay in eval mode: the teacher never trains."""
        self.clip.eval()
        return super().train(False)

    def clip_pixels(self, inputs: Tensor) -> Tensor:
        """The student's normalised (B, 3, H, W) batch as CLIP's input:
        RGB, CLIP's normalisation, sides a multiple of the patch size."""
        if self.bgr_to_rgb:
            inputs = inputs.flip(1)
        pixels = inputs * self.scale + self.shift
        size = tuple(
            max(1, int(side / self.patch_size + 0.5)) * self.patch_size
            for side in pixels.shape[-2:])
        if size != tuple(pixels.shape[-2:]):
            pixels = F.interpolate(
                pixels, size=size, mode='bilinear', align_corners=False)
        return pixels

    @torch.no_grad()
    def encode_image(self,
                     inputs: Tensor) -> Tuple[Tensor, Tuple[int, int], Tensor]:
        """Patch embeddings (B, h*w, D), their grid (h, w) and the image
        embedding (B, D) of the student's normalised batch."""
        pixels = self.clip_pixels(inputs)
        out = self.clip.get_image_features(
            pixel_values=pixels, interpolate_pos_encoding=True)
        patches = self.clip.visual_projection(
            self.clip.vision_model.post_layernorm(out.last_hidden_state[:,
                                                                        1:]))
        grid = tuple(side // self.patch_size for side in pixels.shape[-2:])
        return patches, grid, out.pooler_output

    @torch.no_grad()
    def encode_text(self, texts: List[str]) -> Tuple[Tensor, Tensor, Tensor]:
        """Token embeddings (B, L, D), their padding mask (B, L) and the
        text embedding (B, D) of the expressions."""
        device = self.scale.device
        tokens = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors='pt')
        attention_mask = tokens['attention_mask'].to(device)
        out = self.clip.get_text_features(
            input_ids=tokens['input_ids'].to(device),
            attention_mask=attention_mask)
        return (self.clip.text_projection(out.last_hidden_state),
                attention_mask == 0, out.pooler_output)

    def forward(self, inputs: Tensor, texts: List[str]) -> CLIPFeatures:
        """CLIP's embeddings of the student's batch and expressions."""
        patches, grid, image = self.encode_image(inputs)
        tokens, token_mask, text = self.encode_text(texts)
        return CLIPFeatures(
            patches=patches,
            grid=grid,
            image=image,
            tokens=tokens,
            token_mask=token_mask,
            text=text)
