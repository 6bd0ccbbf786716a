# Mix: SimVG's BEiT-3 multimodal encoder under VG-LAW's multi-task head
# (language adaptive pooling box + mask branch): SimVG with masks, REC and
# RES together. The head's language vector is BEiT-3's fused first text
# token (<s>, PooledVectors). Not in any paper.
_base_ = [
    '../synthetic/simvg_tiny_synthetic.py',
    '../synthetic/_base_/vglaw_tiny_head.py'
]

model = dict(
    data_preprocessor=dict(pad_mask=True),
    adapters=[dict(type='PooledVectors', sentence='text_first')],
    # SimVG's query stage goes with its head
    query_generator=None,
    decoder=None,
    bbox_head={{_base_.vglaw_tiny_head_swap}})

train_dataloader = dict(dataset=dict(pipeline={{_base_.res_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.res_test_pipeline}}))
test_dataloader = val_dataloader

val_evaluator = {{_base_.rec_res_evaluator}}
test_evaluator = val_evaluator
