# RefCOCOg, Google splits (val-g; there is no public test split):
# data/refcocog/{instances.json,refs(google).p}, COCO images in
# data/coco/train2014/. Splits: train, val.
_base_ = './refcoco.py'

dataset_name = 'refcocog_google'
ann_file = 'refcocog/instances.json'
split_file = 'refcocog/refs(google).p'
test_split = 'val'

_files = dict(
    ann_file=ann_file, split_file=split_file, dataset_name=dataset_name)
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split=test_split))
