_base_ = ['../_base_/datasets/refcoco.py', './_base_/simvg_vit-b32.py']

train_dataloader = dict(batch_size=32)
