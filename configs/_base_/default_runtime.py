default_scope = 'mmvg'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook (every `interval` epochs, the newest
    # `max_keep_ckpts` kept) plus `iter_{N}.pth` every `iter_interval`
    # iterations (the newest `iter_max_keep_ckpts` kept; 0 turns them off).
    # Files are written atomically: `last_checkpoint`, which `--resume`
    # reads, always names a complete one. Resuming from an iteration
    # checkpoint continues its epoch at the next batch; it needs
    # train_cfg.type='ResumableEpochBasedTrainLoop' and the train sampler
    # 'ResumableSampler'.
    checkpoint=dict(
        type='ResumableCheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        iter_interval=1000,
        iter_max_keep_ckpts=2),
    # On these signals training saves `iter_{N}.pth` after the current
    # iteration and exits with code 75 (all ranks after the same iteration);
    # `--resume` continues. See docs/train_test.md (slurm requeue).
    preemption=dict(type='PreemptionHook', signals=['SIGTERM', 'SIGUSR1']),
    # tools/test.py refuses a checkpoint whose keys do not fit the model
    # (`--no-strict` or strict=False loads it with a warning); training's
    # `load_from` stays lenient and warns.
    checkpoint_fit=dict(type='CheckpointFitHook', strict=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='GroundingVisualizationHook'))

# Regular expressions of model keys a checkpoint may lack on purpose (e.g. a
# distillation teacher that is not saved); any other missing key is an error
# in tools/test.py, the inferencer and demo/image_demo.py.
checkpoint_allow_missing = []

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='GroundingVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True)

log_level = 'INFO'
load_from = None
resume = False

# RNG states travel with checkpoints so a resumed run continues exactly.
custom_hooks = [dict(type='RNGStateHook')]
