# Mixed pre-training set (as SeqTR/SimVG "mixed"): the train splits of
# RefCOCO, RefCOCO+, RefCOCOg (UMD), ReferItGame and Flickr30k, each read from
# its original files with its own image folder. Images of the RefCOCO/+/g
# (UNC/UMD) evaluation splits are removed from the COCO sources, so those
# splits stay unseen; RefCOCOg Google val images are not removed.
# Validation and test use RefCOCO (see refcoco.py).
_base_ = './refcoco.py'

coco_eval_splits = [
    dict(split_file='refcoco/refs(unc).p', splits=['val', 'testA', 'testB']),
    dict(split_file='refcoco+/refs(unc).p', splits=['val', 'testA', 'testB']),
    dict(split_file='refcocog/refs(umd).p', splits=['val', 'test']),
]

_train = dict(
    data_root={{_base_.data_root}}, pipeline={{_base_.train_pipeline}})
_coco = dict(
    **_train,
    type='RefCOCODataset',
    split='train',
    data_prefix=dict(img_path='coco/train2014/'),
    exclude_images_of=coco_eval_splits)
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(
                **_coco,
                ann_file='refcoco/instances.json',
                split_file='refcoco/refs(unc).p',
                dataset_name='refcoco'),
            dict(
                **_coco,
                ann_file='refcoco+/instances.json',
                split_file='refcoco+/refs(unc).p',
                dataset_name='refcoco+'),
            dict(
                **_coco,
                ann_file='refcocog/instances.json',
                split_file='refcocog/refs(umd).p',
                dataset_name='refcocog_umd'),
            dict(
                **_train,
                type='RefCOCODataset',
                ann_file='refclef/instances.json',
                split_file='refclef/refs(berkeley).p',
                split='train',
                data_prefix=dict(img_path='saiapr_tc-12/'),
                dataset_name='referitgame'),
            dict(
                **_train,
                type='Flickr30kDataset',
                ann_file='mdetr_annotations/'
                'final_flickr_separateGT_train.json',
                data_prefix=dict(img_path='flickr30k-images/'),
                dataset_name='flickr30k'),
        ]))
