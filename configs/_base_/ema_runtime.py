# The default runtime with an exponential moving average of the weights
# (SimVG's: momentum 2e-4, buffers too); checkpoints hold both, evaluation
# uses the average.
_base_ = './default_runtime.py'

custom_hooks = [
    dict(type='RNGStateHook'),
    dict(
        type='EMAHook',
        ema_type='ExponentialMovingAverage',
        momentum=0.0002,
        update_buffers=True,
        priority=49)
]
