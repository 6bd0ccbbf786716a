"""What a teacher reading the student's batch must know of its
normalisation."""
from torch import nn


def student_input_of(preprocessor: nn.Module) -> dict:
    """``student_mean``, ``student_std`` and ``bgr_to_rgb`` of a teacher
    (``CLIPTeacher``) that reads the batches ``preprocessor`` makes.

    ``preprocessor`` is mmdet's ``DetDataPreprocessor`` (or mmengine's
    ``ImgDataPreprocessor``): without normalisation its batches are 0..255
    pixels (mean 0, std 1); without channel conversion they keep mmcv's BGR
    order, so the teacher flips them.
    """
    normalizes = getattr(preprocessor, '_enable_normalize', False)
    return dict(
        student_mean=(preprocessor.mean.flatten().tolist()
                      if normalizes else [0.] * 3),
        student_std=(preprocessor.std.flatten().tolist()
                     if normalizes else [1.] * 3),
        bgr_to_rgb=not getattr(preprocessor, '_channel_conversion', False))
