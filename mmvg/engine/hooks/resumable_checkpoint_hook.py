"""Checkpoints that a kill cannot spoil, and iteration checkpoints."""
import os.path as osp
from typing import List

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from mmvg.registry import HOOKS
from mmvg.utils.durable_files import replace_durably, write_text_durably
from ..resumable_train_loop import check_resumable_loop


@HOOKS.register_module()
class ResumableCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` (epoch checkpoints) with atomic writes
    and ``iter_{N}.pth`` checkpoints every ``iter_interval`` iterations.

    Every file is written as ``<name>.tmp``, flushed and renamed, then
    ``last_checkpoint`` (what ``--resume`` reads) is replaced the same way,
    and only then are old files removed: a kill at any moment leaves
    ``last_checkpoint`` naming a complete file. mmengine writes in place and
    removes the oldest file first.

    Iteration checkpoints are kept apart from the epoch ones (the newest
    ``iter_max_keep_ckpts``); resuming from one continues the epoch at the
    next batch, which needs
    :class:`~mmvg.engine.ResumableEpochBasedTrainLoop`.

    Args:
        iter_interval: save ``iter_{N}.pth`` every this many iterations;
            0 saves none.
        iter_max_keep_ckpts: how many iteration checkpoints to keep.
        **kwargs: ``CheckpointHook``'s arguments (``by_epoch`` must stay
            True: the iterations are counted by ``iter_interval``).
    """

    iter_tmpl = 'iter_{}.pth'

    def __init__(self,
                 *args,
                 iter_interval: int = 0,
                 iter_max_keep_ckpts: int = 2,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.by_epoch:
            raise ValueError('ResumableCheckpointHook counts iterations with '
                             'iter_interval; keep by_epoch=True.')
        if iter_interval < 0 or iter_max_keep_ckpts < 1:
            raise ValueError('iter_interval must be >= 0 and '
                             'iter_max_keep_ckpts >= 1, got '
                             f'{iter_interval} and {iter_max_keep_ckpts}')
        self.iter_interval = iter_interval
        self.iter_max_keep_ckpts = iter_max_keep_ckpts

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if not isinstance(self.file_backend, LocalBackend):
            raise ValueError('atomic checkpoint writes need a local out_dir, '
                             f'got {self.out_dir}')
        if self.iter_interval:
            check_resumable_loop(runner, 'iteration checkpoints')

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        if self.every_n_train_iters(runner, self.iter_interval):
            self.save_iter_checkpoint(runner)

    def save_iter_checkpoint(self, runner) -> str:
        """Save ``iter_{N}.pth`` for the iteration that just ended (once)
        and return its path."""
        step = runner.iter + 1
        path = osp.join(self.out_dir, self.iter_tmpl.format(step))
        if self.last_ckpt != path:
            runner.logger.info(f'Saving checkpoint at {step} iterations')
            dropped = self._keep(runner, 'keep_iter_ckpt_ids',
                                 self.iter_max_keep_ckpts, step)
            self._write(
                runner,
                self.iter_tmpl.format(step),
                meta=dict(epoch=runner.epoch, iter=step),
                by_epoch=False)
            self._remove(dropped, self.iter_tmpl)
        return path

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        """The epoch checkpoint, written atomically; old ones go after."""
        dropped = self._keep(runner, 'keep_ckpt_ids', self.max_keep_ckpts,
                             step)
        self._write(runner, self.filename_tmpl.format(step), meta,
                    self.by_epoch)
        self._remove(dropped, self.filename_tmpl)

    @staticmethod
    def _keep(runner, key: str, max_keep: int, step: int) -> List[int]:
        """Add ``step`` to the ids kept in the message hub under ``key``
        (stored in checkpoints); return the ids that fall out."""
        ids = list(runner.message_hub.get_info(key, []))
        if not ids or ids[-1] != step:
            ids.append(step)
        dropped = ids[:-max_keep] if max_keep > 0 else []
        runner.message_hub.update_info(key, ids[len(dropped):])
        return dropped

    def _write(self, runner, filename: str, meta: dict,
               by_epoch: bool) -> None:
        self.last_ckpt = osp.join(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            f'{filename}.tmp',
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if is_main_process():
            replace_durably(f'{self.last_ckpt}.tmp', self.last_ckpt)
            write_text_durably(
                osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)

    def _remove(self, steps: List[int], tmpl: str) -> None:
        if not is_main_process():
            return
        for step in steps:
            path = osp.join(self.out_dir, tmpl.format(step))
            if osp.isfile(path):
                self.file_backend.remove(path)
