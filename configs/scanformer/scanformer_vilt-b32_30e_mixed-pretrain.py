# ScanFormer (ViLT-B/32, 3 scales) pre-trained on the mixed set (the train
# splits of RefCOCO, RefCOCO+, RefCOCOg-umd, ReferItGame and Flickr30k; the
# RefCOCO-family evaluation images left out), validated on RefCOCO val.
# The *_mixed-ft_* configs fine-tune from its last checkpoint.
_base_ = [
    '../_base_/datasets/mixed_pretrain.py',
    '../_base_/models/scanformer_vilt-b32.py',
    '../_base_/schedules/scanformer_30e_adamw.py',
    '../_base_/default_runtime.py',
]

train_dataloader = dict(batch_size=8)
