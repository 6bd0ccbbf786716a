# ReferItGame (refclef, Berkeley splits; RLE masks):
# data/refclef/{instances.json,refs(berkeley).p}, images in
# data/saiapr_tc-12/. Splits: train, val, test.
_base_ = './refcoco.py'

dataset_name = 'referitgame'
ann_file = 'refclef/instances.json'
split_file = 'refclef/refs(berkeley).p'
img_prefix = 'saiapr_tc-12/'
test_split = 'test'

_files = dict(
    ann_file=ann_file,
    split_file=split_file,
    dataset_name=dataset_name,
    data_prefix=dict(img_path=img_prefix))
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split=test_split))
