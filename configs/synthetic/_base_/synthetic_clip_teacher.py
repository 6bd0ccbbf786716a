# The teacher of the tiny EpmVG configs: a tiny CLIP trained on the
# synthetic set by tools/misc/train_synthetic_clip.py (OpenAI's CLIP has
# never seen these shapes). Configs name it as
# `teacher={{_base_.synthetic_clip_teacher}}` in a CrossModalDistiller.
synthetic_clip_teacher = dict(
    type='CLIPTeacher', name_or_path='work_dirs/synthetic_clip')
