# Ablation of epmvg_tiny_synthetic.py: only the language distillation loss.
_base_ = './epmvg_tiny_synthetic.py'

model = dict(distiller=dict(visual_loss=None, consistency_loss=None))
