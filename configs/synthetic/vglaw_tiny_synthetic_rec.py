# VG-LAW tiny, REC only: the mask branch is not built; boxes are evaluated.
_base_ = './vglaw_tiny_synthetic.py'

model = dict(bbox_head=dict(with_res=False))
val_evaluator = [dict(type='RECMetric', group_key='expr_kind')]
test_evaluator = val_evaluator
