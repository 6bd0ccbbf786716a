from .box_utils import as_box_tensor, box_ious, pred_boxes_and_scores
from .mask_utils import (encode_rle, mask_ann_to_bitmap, masks_to_numpy,
                         select_pred_mask, union_mask)
from .prediction_record import (gt_instances_from_data_info,
                                prediction_to_record, record_to_data_sample)
from .random_object_floor import random_object_floor
from .sample_key import check_results, sample_key

__all__ = [
    'as_box_tensor', 'box_ious', 'pred_boxes_and_scores', 'encode_rle',
    'mask_ann_to_bitmap', 'masks_to_numpy', 'select_pred_mask', 'union_mask',
    'gt_instances_from_data_info', 'prediction_to_record',
    'record_to_data_sample', 'check_results', 'sample_key',
    'random_object_floor'
]
