"""Throughput of a data loader: samples decoded, augmented and collated per
second, for a given number of worker processes."""
import copy
import time
from dataclasses import dataclass

from mmengine.runner import Runner


@dataclass
class LoaderRate:
    """What one timed pass over a loader measured."""
    num_workers: int
    batches: int
    samples: int
    seconds: float
    samples_per_s: float


def loader_rate(dataloader_cfg: dict, num_workers: int,
                batches: int) -> LoaderRate:
    """Time ``batches`` batches of the loader that ``dataloader_cfg``
    builds with ``num_workers`` workers, after an untimed first batch (it
    starts the workers); the sampler is seeded, so runs draw the same
    samples."""
    if num_workers < 0 or batches < 1:
        raise ValueError(f'need num_workers >= 0 and batches >= 1, got '
                         f'num_workers {num_workers} and batches {batches}')
    cfg = copy.deepcopy(dataloader_cfg)
    cfg.update(num_workers=num_workers, persistent_workers=False)
    batch_iter = iter(Runner.build_dataloader(cfg, seed=0))
    next(batch_iter)
    samples = 0
    start = time.perf_counter()
    for done in range(batches):
        batch = next(batch_iter, None)
        if batch is None:
            raise ValueError(f'the loader gives only {done + 1} batches: '
                             f'ask for at most {done} timed ones')
        samples += len(batch['inputs'])
    seconds = time.perf_counter() - start
    return LoaderRate(num_workers, batches, samples, seconds,
                      samples / seconds)
