# Flickr30k Entities phrase grounding from MDETR's annotations:
# data/mdetr_annotations/final_flickr_separateGT_{train,val,test}.json and
# images in data/flickr30k-images/. One sample per phrase, with all its
# boxes; a prediction counts when it matches any of them.
_base_ = './refcoco.py'

dataset_type = 'Flickr30kDataset'
dataset_name = 'flickr30k'
img_prefix = 'flickr30k-images/'
train_split = 'train'
val_split = 'val'
test_split = 'test'
ann_file = 'mdetr_annotations/final_flickr_separateGT_{}.json'

_flickr = dict(
    _delete_=True,
    type=dataset_type,
    data_root={{_base_.data_root}},
    data_prefix=dict(img_path=img_prefix),
    dataset_name=dataset_name)
train_dataloader = dict(
    dataset=dict(
        **_flickr,
        ann_file=ann_file.format(train_split),
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(
        **_flickr,
        ann_file=ann_file.format(val_split),
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = dict(
    dataset=dict(
        **_flickr,
        ann_file=ann_file.format(test_split),
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
