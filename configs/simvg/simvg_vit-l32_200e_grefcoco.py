# gRefCOCO with ViT-L/32: see simvg_vit-b32_200e_grefcoco.py.
_base_ = [
    '../_base_/datasets/grefcoco.py',
    '../_base_/models/simvg_vit-l32.py',
    '../_base_/schedules/simvg_200e_adam.py',
    '../_base_/ema_runtime.py',
]

model = dict(
    query_generator=dict(num_queries=10), bbox_head=dict(num_queries=10))
train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(base_batch_size=4)
