# EpmVG (arXiv 2312.17648): the TransVG-style ResNet-50 + BERT-base student
# (transvg_r50.py) with cross-modal distillation from a frozen CLIP
# ViT-B/16 into its encoders, in training only: the neck's 256-d visual
# tokens and BERT's [CLS] are projected into CLIP's joint space; visual,
# language and consistency losses at weight 1 (the paper gives none).
# `model.distiller=None` trains the student alone. See
# configs/epmvg/README.md.
_base_ = ['./transvg_r50.py', './clip_vit-b16_teacher.py']

model = dict(
    distiller=dict(
        type='CrossModalDistiller',
        teacher={{_base_.clip_teacher}},
        visual_dims={{_base_.embed_dims}}))
