_base_ = ['../_base_/datasets/flickr30k.py', './_base_/simvg_vit-b32.py']

train_dataloader = dict(batch_size=32)
