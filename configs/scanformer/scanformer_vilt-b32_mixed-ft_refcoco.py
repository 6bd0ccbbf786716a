# ScanFormer (ViLT-B/32, 3 scales) fine-tuned on refcoco from the mixed
# pre-training of scanformer_vilt-b32_30e_mixed-pretrain.py (its last
# checkpoint; point pretrain_checkpoint elsewhere with --cfg-options).
_base_ = './scanformer_vilt-b32_30e_refcoco.py'

pretrain_checkpoint = \
    'work_dirs/scanformer_vilt-b32_30e_mixed-pretrain/epoch_30.pth'
load_from = pretrain_checkpoint
