from .checkpoint_fit_hook import CheckpointFitHook
from .grounding_visualization_hook import GroundingVisualizationHook
from .preemption_hook import (PREEMPTED_EXIT_CODE, PreemptionHook,
                              TrainingPreempted)
from .resumable_checkpoint_hook import ResumableCheckpointHook
from .rng_state_hook import RNGStateHook
from .selection_warmup_hook import SelectionWarmupHook

__all__ = [
    'CheckpointFitHook', 'GroundingVisualizationHook', 'PREEMPTED_EXIT_CODE',
    'PreemptionHook', 'ResumableCheckpointHook', 'RNGStateHook',
    'SelectionWarmupHook', 'TrainingPreempted'
]
