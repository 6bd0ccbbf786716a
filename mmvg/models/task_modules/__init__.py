from .single_query_hungarian_assigner import SingleQueryHungarianAssigner

__all__ = ['SingleQueryHungarianAssigner']
