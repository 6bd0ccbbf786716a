# RefCOCO+ (UNC splits): data/refcoco+/{instances.json,refs(unc).p}, COCO
# images in data/coco/train2014/. Splits: train, val, testA, testB.
_base_ = './refcoco.py'

dataset_name = 'refcoco+'
ann_file = 'refcoco+/instances.json'
split_file = 'refcoco+/refs(unc).p'
test_split = 'testA'  # also 'testB'

_files = dict(
    ann_file=ann_file, split_file=split_file, dataset_name=dataset_name)
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split=test_split))
