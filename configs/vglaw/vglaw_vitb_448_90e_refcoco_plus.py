# VG-LAW on RefCOCO+ (UNC); files as in ../_base_/datasets/refcoco_plus.py.
_base_ = './vglaw_vitb_448_90e_refcoco.py'

_files = dict(
    ann_file='refcoco+/instances.json',
    split_file='refcoco+/refs(unc).p',
    dataset_name='refcoco+')
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split='testA'))
