from .dump_grounding_predictions import DumpGroundingPredictions
from .grec_metric import GRECMetric, count_matches
from .rec_metric import RECMetric
from .res_metric import RESMetric

__all__ = [
    'DumpGroundingPredictions', 'GRECMetric', 'count_matches', 'RECMetric',
    'RESMetric'
]
