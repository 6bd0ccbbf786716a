# VG-LAW on ReferItGame (Berkeley splits, RLE masks); files as in
# ../_base_/datasets/referitgame.py.
_base_ = './vglaw_vitb_448_90e_refcoco.py'

_files = dict(
    ann_file='refclef/instances.json',
    split_file='refclef/refs(berkeley).p',
    dataset_name='referitgame',
    data_prefix=dict(img_path='saiapr_tc-12/'))
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split='test'))
