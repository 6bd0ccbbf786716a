# EpmVG's distillation on the tiny VG-LAW student (not in the paper):
# vglaw_tiny_synthetic.py (unchanged, REC + RES) with the tiny synthetic
# CLIP teacher (tools/misc/train_synthetic_clip.py) distilled into the
# language-adaptive ViT's 128-d map and BERT's [CLS], in training only.
_base_ = ['./vglaw_tiny_synthetic.py', './_base_/synthetic_clip_teacher.py']

model = dict(
    distiller=dict(
        type='CrossModalDistiller',
        teacher={{_base_.synthetic_clip_teacher}},
        visual_dims={{_base_.embed_dims}}))
