# RefCOCOg, UMD splits (val-u / test-u):
# data/refcocog/{instances.json,refs(umd).p}, COCO images in
# data/coco/train2014/. Splits: train, val, test.
_base_ = './refcoco.py'

dataset_name = 'refcocog_umd'
ann_file = 'refcocog/instances.json'
split_file = 'refcocog/refs(umd).p'
test_split = 'test'

_files = dict(
    ann_file=ann_file, split_file=split_file, dataset_name=dataset_name)
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split=test_split))
