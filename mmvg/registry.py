"""mmvg registries: children of mmdet's, so configs can name mmdet parts.

Each child looks up its own ``locations`` lazily; the parents' modules are
imported by :func:`mmvg.utils.register_all_modules` (mmengine runs the lazy
import only for the registry that performs the lookup).
"""
from mmdet import registry as mmdet_registry
from mmengine.registry import Registry


def _child(name: str, parent: Registry, location: str) -> Registry:
    return Registry(name, parent=parent, locations=[location])


RUNNERS = _child('runner', mmdet_registry.RUNNERS, 'mmvg.engine')
RUNNER_CONSTRUCTORS = _child('runner constructor',
                             mmdet_registry.RUNNER_CONSTRUCTORS, 'mmvg.engine')
LOOPS = _child('loop', mmdet_registry.LOOPS, 'mmvg.engine')
HOOKS = _child('hook', mmdet_registry.HOOKS, 'mmvg.engine.hooks')

DATASETS = _child('dataset', mmdet_registry.DATASETS, 'mmvg.datasets')
DATA_SAMPLERS = _child('data sampler', mmdet_registry.DATA_SAMPLERS,
                       'mmvg.datasets')
TRANSFORMS = _child('transform', mmdet_registry.TRANSFORMS,
                    'mmvg.datasets.transforms')

MODELS = _child('model', mmdet_registry.MODELS, 'mmvg.models')
MODEL_WRAPPERS = _child('model_wrapper', mmdet_registry.MODEL_WRAPPERS,
                        'mmvg.models')
WEIGHT_INITIALIZERS = _child('weight initializer',
                             mmdet_registry.WEIGHT_INITIALIZERS, 'mmvg.models')
TASK_UTILS = _child('task util', mmdet_registry.TASK_UTILS, 'mmvg.models')

OPTIMIZERS = _child('optimizer', mmdet_registry.OPTIMIZERS, 'mmvg.engine')
OPTIM_WRAPPERS = _child('optim_wrapper', mmdet_registry.OPTIM_WRAPPERS,
                        'mmvg.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    mmdet_registry.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmvg.engine')
PARAM_SCHEDULERS = _child('parameter scheduler',
                          mmdet_registry.PARAM_SCHEDULERS, 'mmvg.engine')

METRICS = _child('metric', mmdet_registry.METRICS, 'mmvg.evaluation')
EVALUATOR = _child('evaluator', mmdet_registry.EVALUATOR, 'mmvg.evaluation')

VISUALIZERS = _child('visualizer', mmdet_registry.VISUALIZERS,
                     'mmvg.visualization')
VISBACKENDS = _child('vis_backend', mmdet_registry.VISBACKENDS,
                     'mmvg.visualization')
LOG_PROCESSORS = _child('log_processor', mmdet_registry.LOG_PROCESSORS,
                        'mmvg.engine')
