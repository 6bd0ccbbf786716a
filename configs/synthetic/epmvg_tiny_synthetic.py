# EpmVG at toy size: transvg_tiny_synthetic.py (the student, unchanged) with
# cross-modal distillation from the tiny synthetic CLIP (train it first:
# tools/misc/train_synthetic_clip.py) into its 128-d neck tokens and BERT's
# [CLS], in training only; all three losses at weight 1. The
# no-distillation ablation is transvg_tiny_synthetic.py itself; the
# _visual / _language / _consistency configs keep one loss each.
_base_ = ['./transvg_tiny_synthetic.py', './_base_/synthetic_clip_teacher.py']

model = dict(
    distiller=dict(
        type='CrossModalDistiller',
        teacher={{_base_.synthetic_clip_teacher}},
        visual_dims={{_base_.embed_dims}}))
