"""ResumableCheckpointHook: iteration checkpoints beside the epoch ones,
written so that a kill never leaves last_checkpoint naming a broken file."""
import os
import os.path as osp

import pytest
from mmengine.runner import runner as runner_module
from utils_runner import toy_runner

from mmvg.engine import ResumableCheckpointHook


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return osp.basename(f.read())


def test_keeps_the_newest_iteration_and_epoch_checkpoints(tmp_path):
    work_dir = str(tmp_path)
    runner = toy_runner(
        work_dir,
        max_epochs=3,
        checkpoint=dict(
            iter_interval=4, iter_max_keep_ckpts=2, max_keep_ckpts=1))
    runner.train()
    saved = [name for name in os.listdir(work_dir) if '.pth' in name]
    assert sorted(saved) == ['epoch_3.pth', 'iter_12.pth', 'iter_16.pth']
    assert last_checkpoint(work_dir) == 'epoch_3.pth'
    assert runner.message_hub.get_info('keep_iter_ckpt_ids') == [12, 16]


def test_a_write_killed_midway_leaves_the_previous_checkpoint(
        tmp_path, monkeypatch):
    save = runner_module.save_checkpoint

    def dies_at_iter_8(checkpoint, filename, **kwargs):
        if 'iter_8' not in filename:
            return save(checkpoint, filename, **kwargs)
        with open(filename, 'wb') as f:
            f.write(b'half a checkpoint')
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(runner_module, 'save_checkpoint', dies_at_iter_8)
    work_dir = str(tmp_path)
    runner = toy_runner(
        work_dir,
        checkpoint=dict(interval=10, iter_interval=4, iter_max_keep_ckpts=1))
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    assert last_checkpoint(work_dir) == 'iter_4.pth'
    assert osp.exists(osp.join(work_dir, 'iter_4.pth'))  # not removed yet
    assert not osp.exists(osp.join(work_dir, 'iter_8.pth'))
    assert osp.exists(osp.join(work_dir, 'iter_8.pth.tmp'))


def test_iteration_checkpoints_need_the_resumable_loop(tmp_path):
    runner = toy_runner(
        str(tmp_path),
        loop='EpochBasedTrainLoop',
        checkpoint=dict(iter_interval=4))
    with pytest.raises(TypeError, match='ResumableEpochBasedTrainLoop'):
        runner.train()


def test_iterations_are_counted_by_iter_interval_only():
    with pytest.raises(ValueError, match='keep by_epoch=True'):
        ResumableCheckpointHook(by_epoch=False)
    with pytest.raises(ValueError, match='iter_interval must be >= 0'):
        ResumableCheckpointHook(iter_interval=-1)
