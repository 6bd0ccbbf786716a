# ScanFormer (ViLT-B/32, 3 scales) trained on referitgame alone.
_base_ = [
    '../_base_/datasets/referitgame.py',
    '../_base_/models/scanformer_vilt-b32.py',
    '../_base_/schedules/scanformer_30e_adamw.py',
    '../_base_/default_runtime.py',
]

train_dataloader = dict(batch_size=8)
