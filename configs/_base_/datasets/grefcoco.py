# gRefCOCO (0..N targets per expression):
# data/grefcoco/{instances.json,grefs(unc).json}, COCO images in
# data/coco/train2014/. Splits: train, val, testA, testB.
_base_ = './refcoco.py'

dataset_type = 'GRefCOCODataset'
dataset_name = 'grefcoco'
ann_file = 'grefcoco/instances.json'
split_file = 'grefcoco/grefs(unc).json'
test_split = 'testA'  # also 'testB'

_files = dict(
    type=dataset_type,
    ann_file=ann_file,
    split_file=split_file,
    dataset_name=dataset_name)
train_dataloader = dict(dataset=_files)
val_dataloader = dict(dataset=_files)
test_dataloader = dict(dataset=dict(**_files, split=test_split))

val_evaluator = dict(_delete_=True, type='GRECMetric')
test_evaluator = val_evaluator
