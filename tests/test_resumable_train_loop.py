"""ResumableEpochBasedTrainLoop: a run resumed mid-epoch trains the rest of
the epoch in the same order, without loading the batches already trained."""
import os.path as osp

import pytest
from utils_runner import toy_runner

from mmvg.engine import ResumableEpochBasedTrainLoop


def test_resumed_epoch_continues_at_the_next_batch(tmp_path):
    full = toy_runner(str(tmp_path / 'full'))
    full.train()
    work_dir = str(tmp_path / 'part')
    # iteration checkpoint after batch 4 of epoch 2 (6 batches an epoch)
    toy_runner(work_dir, checkpoint=dict(iter_interval=10)).train()
    resumed = toy_runner(
        work_dir, load_from=osp.join(work_dir, 'iter_10.pth'), resume=True)
    resumed.train()

    assert resumed.model.trained == full.model.trained[10:]
    skipped = [i for batch in full.model.trained[6:10] for i in batch]
    assert not set(resumed.train_dataloader.dataset.loaded) & set(skipped)
    assert len(resumed.train_dataloader.dataset.loaded) == 4


def test_resume_at_an_epoch_end_runs_no_batch_of_that_epoch(tmp_path):
    work_dir = str(tmp_path)
    toy_runner(work_dir, checkpoint=dict(iter_interval=6)).train()
    resumed = toy_runner(
        work_dir, load_from=osp.join(work_dir, 'iter_6.pth'), resume=True)
    resumed.train()
    assert len(resumed.model.trained) == 6  # epoch 2 only


def test_mid_epoch_resume_needs_a_sampler_that_skips(tmp_path):
    work_dir = str(tmp_path)
    toy_runner(work_dir, checkpoint=dict(iter_interval=9)).train()
    runner = toy_runner(
        work_dir,
        sampler='DefaultSampler',
        load_from=osp.join(work_dir, 'iter_9.pth'),
        resume=True)
    with pytest.raises(TypeError, match="sampler.type='ResumableSampler'"):
        runner.train()


def test_a_changed_epoch_length_is_refused(tmp_path):
    work_dir = str(tmp_path)
    toy_runner(work_dir, checkpoint=dict(iter_interval=5)).train()
    runner = toy_runner(
        work_dir,
        batch_size=6,
        load_from=osp.join(work_dir, 'iter_5.pth'),
        resume=True)
    with pytest.raises(RuntimeError, match='does not lie in epoch 1 of 2'):
        runner.train()
    assert isinstance(runner.train_loop, ResumableEpochBasedTrainLoop)
