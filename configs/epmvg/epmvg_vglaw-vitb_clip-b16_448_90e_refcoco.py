# EpmVG's distillation on a VG-LAW student (not in the paper): VG-LAW's
# RefCOCO config (ViT-B ViTDet + 6-layer BERT, 448x448, REC + RES, VG-LAW's
# schedule) with a frozen CLIP ViT-B/16 teacher distilled into the
# language-adaptive ViT's 768-d map and BERT's [CLS]. See README.md.
_base_ = [
    '../vglaw/vglaw_vitb_448_90e_refcoco.py',
    '../_base_/models/clip_vit-b16_teacher.py'
]

model = dict(
    distiller=dict(
        type='CrossModalDistiller',
        teacher={{_base_.clip_teacher}},
        visual_dims={{_base_.embed_dims}}))
