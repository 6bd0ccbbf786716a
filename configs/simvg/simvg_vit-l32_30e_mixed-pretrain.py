# Mixed pre-training (the train splits of RefCOCO, RefCOCO+, RefCOCOg-umd,
# ReferItGame and Flickr30k; RefCOCO-family evaluation images left out),
# 30 epochs with decays at 21 and 27, validated on RefCOCO val. Fine-tune on
# one dataset with its 1x config and --cfg-options load_from=epoch_30.pth.
_base_ = [
    '../_base_/datasets/mixed_pretrain.py',
    '../_base_/models/simvg_vit-l32.py',
    '../_base_/schedules/simvg_mixed_30e_adam.py',
    '../_base_/ema_runtime.py',
]

train_dataloader = dict(batch_size=4)
auto_scale_lr = dict(base_batch_size=4)
