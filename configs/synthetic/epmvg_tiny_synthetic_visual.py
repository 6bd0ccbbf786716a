# Ablation of epmvg_tiny_synthetic.py: only the visual distillation loss.
_base_ = './epmvg_tiny_synthetic.py'

model = dict(distiller=dict(language_loss=None, consistency_loss=None))
