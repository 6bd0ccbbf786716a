# The tiny synthetic SimVG for generalized REC: 0..N targets per expression
# (synthetic/grefs(unc).json, gRefCOCO format), 10 queries, GREC metrics.
_base_ = './simvg_tiny_synthetic.py'

model = dict(
    query_generator=dict(query_generator=dict(num_queries=10)),
    bbox_head=dict(num_queries=10))

_grefs = dict(type='GRefCOCODataset', split_file='synthetic/grefs(unc).json')
train_dataloader = dict(dataset=_grefs)
val_dataloader = dict(dataset=_grefs)
test_dataloader = dict(dataset=_grefs)

val_evaluator = dict(_delete_=True, type='GRECMetric')
test_evaluator = val_evaluator
