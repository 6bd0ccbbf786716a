# SimVG's schedules besides the 30-epoch one of simvg_vit-{b,l}32.py, as
# named variables that configs read with {{_base_.NAME.KEY}} (a second base
# may not redefine the model base's max_epochs or param_scheduler). Each
# warms up for 3 epochs and decays the lr x0.1 at its milestones.
_warmup = dict(
    type='LinearLR',
    start_factor=1e-3,
    by_epoch=True,
    begin=0,
    end=3,
    convert_to_iter_based=True)
_decay = dict(type='MultiStepLR', by_epoch=True, begin=0, gamma=0.1)

# gRefCOCO: 200 epochs, decay at 180 (the official gRefCOCO config)
grec_200e = dict(
    max_epochs=200,
    param_scheduler=[_warmup, dict(_decay, end=200, milestones=[180])])
# mixed pre-training: 30 epochs, decays at 21 and 27
mixed_30e = dict(
    max_epochs=30,
    param_scheduler=[_warmup,
                     dict(_decay, end=30, milestones=[21, 27])])
# two-stage distillation, stage 2: lr 3e-4 for 20 epochs, decay at 15 (the
# official RefCOCO stage-2 config)
two_stage_20e = dict(
    max_epochs=20,
    lr=3e-4,
    param_scheduler=[_warmup, dict(_decay, end=20, milestones=[15])])
# gRefCOCO stage 2: lr 5e-4 for 100 epochs, decay at 90 (official config)
grec_two_stage_100e = dict(
    max_epochs=100,
    lr=5e-4,
    param_scheduler=[_warmup, dict(_decay, end=100, milestones=[90])])
