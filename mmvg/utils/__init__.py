from .checkpoint_globals import (allow_mmengine_checkpoints,
                                 mmengine_checkpoint_globals)
from .collect_env import collect_env
from .dist_utils import setup_cpu_distributed, shutdown_distributed
from .setup_env import register_all_modules

__all__ = [
    'allow_mmengine_checkpoints', 'mmengine_checkpoint_globals', 'collect_env',
    'register_all_modules', 'setup_cpu_distributed', 'shutdown_distributed'
]
