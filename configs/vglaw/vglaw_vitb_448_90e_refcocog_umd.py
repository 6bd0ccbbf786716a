# VG-LAW on RefCOCOg (UMD splits); files as in
# ../_base_/datasets/refcocog_umd.py.
_base_ = './vglaw_vitb_448_90e_refcoco.py'

_files = dict(
    ann_file='refcocog/instances.json',
    split_file='refcocog/refs(umd).p',
    dataset_name='refcocog_umd')
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split='test'))
