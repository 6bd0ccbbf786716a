"""ResumableSampler: DefaultSampler's order (a function of seed + epoch),
whose next pass can leave out its first indices."""
import pytest
from mmengine.dataset import DefaultSampler
from mmengine.dataset import sampler as sampler_module

from mmvg.datasets import ResumableSampler


def epoch_order(sampler, epoch: int) -> list:
    sampler.set_epoch(epoch)
    return list(sampler)


def test_order_is_default_samplers_and_depends_on_seed_and_epoch():
    data = list(range(20))
    sampler = ResumableSampler(data, shuffle=True, seed=3)
    reference = DefaultSampler(data, shuffle=True, seed=3)
    assert epoch_order(sampler, 1) == epoch_order(reference, 1)
    # rebuilt (as in a resumed run): the same order again
    assert epoch_order(ResumableSampler(data, seed=3), 1) == \
        epoch_order(sampler, 1)
    assert epoch_order(sampler, 2) != epoch_order(sampler, 1)
    assert epoch_order(ResumableSampler(data, seed=4), 1) != \
        epoch_order(sampler, 1)


def test_skip_leaves_out_the_start_of_the_next_pass_only():
    sampler = ResumableSampler(list(range(20)), shuffle=True, seed=0)
    full = epoch_order(sampler, 5)
    sampler.skip(6)
    assert len(sampler) == 20  # hooks keep the epoch's length
    assert epoch_order(sampler, 5) == full[6:]
    assert epoch_order(sampler, 5) == full


def test_skip_counts_the_indices_of_this_rank(monkeypatch):
    data = list(range(21))
    ranks = []
    for rank in range(2):
        monkeypatch.setattr(sampler_module, 'get_dist_info', lambda: (rank, 2))
        ranks.append(ResumableSampler(data, shuffle=True, seed=0))
    full = [list(sampler) for sampler in ranks]
    assert set(full[0] + full[1]) == set(data) and len(full[1]) == 11
    for sampler in ranks:
        sampler.skip(4)
    assert [list(sampler) for sampler in ranks] == [f[4:] for f in full]


def test_skip_beyond_the_epoch_is_refused():
    sampler = ResumableSampler(list(range(5)))
    with pytest.raises(ValueError, match='cannot skip 6 of an epoch of 5'):
        sampler.skip(6)
