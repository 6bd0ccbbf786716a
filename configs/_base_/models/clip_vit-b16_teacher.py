# EpmVG's teacher: OpenAI's CLIP ViT-B/16 (transformers
# openai/clip-vit-base-patch16, saved as a folder in pretrain_weights/),
# frozen and kept out of checkpoints and optimizers. Configs name it as
# `teacher={{_base_.clip_teacher}}` in a CrossModalDistiller; its student
# normalisation comes from the grounder's data preprocessor.
clip_teacher = dict(
    type='CLIPTeacher', name_or_path='pretrain_weights/clip-vit-base-patch16')
