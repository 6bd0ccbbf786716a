"""Training survives kills: SIGKILL at random iterations, SIGTERM (one
checkpoint, exit code 75) in one and two processes, and half-written files;
the resumed runs end with the uninterrupted run's weights."""
import glob
import os
import os.path as osp
import random
import re
import shutil
import signal
import sys
import time
from typing import Callable, List, Optional, Tuple

import pytest
import torch
from conftest import TINY_CONFIG, synthetic_cfg_options
from utils_cli import ROOT, free_port, python_tool, start_tool

from mmvg.engine import PREEMPTED_EXIT_CODE

ITER_INTERVAL = 3  # N: a kill may cost at most this many iterations
EPOCHS, ITERS_PER_EPOCH = 3, 10  # 94 training samples, batches of 10
# dropout and EMA on, so that the RNG and EMA states must travel too
CONFIG = f"""_base_ = '{osp.join(ROOT, TINY_CONFIG)}'
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='EMAHook', momentum=0.01, update_buffers=True, priority=49)
]
"""
RUN = [
    f'train_cfg.max_epochs={EPOCHS}',
    'train_cfg.val_interval=100',
    f'default_hooks.checkpoint.iter_interval={ITER_INTERVAL}',
    'model.fusion.dropout=0.1',
    'randomness.deterministic=True',
]


@pytest.fixture(scope='module')
def setup(synthetic_root, tmp_path_factory):
    """(config path, --cfg-options) of the kill tests."""
    config = tmp_path_factory.mktemp('preemption') / 'config.py'
    config.write_text(CONFIG)
    return str(config), synthetic_cfg_options(synthetic_root, 10) + RUN


@pytest.fixture(scope='module')
def uninterrupted(setup, tmp_path_factory):
    """The work dir of the run that nothing interrupts."""
    work_dir = str(tmp_path_factory.mktemp('uninterrupted'))
    config, options = setup
    python_tool('train.py', config, '--work-dir', work_dir, '--cfg-options',
                *options)
    return work_dir


def run_dirs(work_dir: str) -> List[str]:
    return sorted(glob.glob(osp.join(work_dir, '2*')))


def last_logged_iter(run_dir: Optional[str]) -> int:
    """The last training iteration a run logged (logger interval 1)."""
    path = osp.join(run_dir or '', 'vis_data', 'scalars.json')
    if not osp.exists(path):
        return 0
    with open(path) as f:
        iters = re.findall(r'"loss": [^,]+, .*?"iter": (\d+)', f.read())
    return max(map(int, iters), default=0)


def resumed_iter(output: str) -> int:
    """The iteration a run resumed from (0: it started afresh)."""
    match = re.search(r'resumed epoch: \d+, iter: (\d+)', output)
    return int(match.group(1)) if match else 0


def train_args(setup, work_dir: str, *extra: str) -> List[str]:
    """``tools/train.py`` with ``--resume`` on the kill tests' config."""
    config, options = setup
    return [
        sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
        '--resume', '--cfg-options', *options, *extra
    ]


def train_until(
        args: List[str],
        work_dir: str,
        target: int,
        sig: int,
        delay: float = 0,
        env: Optional[dict] = None,
        victim: Callable[[int],
                         int] = lambda pid: pid) -> Tuple[int, int, str]:
    """Start ``args``, and ``delay`` seconds after the run logged iteration
    ``target`` send ``sig`` to ``victim(pid)``; return (exit code, last
    logged iteration, output)."""
    before = run_dirs(work_dir)
    log_file = osp.join(work_dir, f'run{len(before)}.log')
    proc = start_tool(args, log_file, env)
    deadline = time.time() + 300
    run_dir = None
    while proc.poll() is None and time.time() < deadline:
        new = [d for d in run_dirs(work_dir) if d not in before]
        run_dir = new[0] if new else None
        if last_logged_iter(run_dir) >= target:
            time.sleep(delay)
            os.kill(victim(proc.pid), sig)
            break
        time.sleep(0.02)
    code = proc.wait(timeout=300)
    with open(log_file) as f:
        output = f.read()
    assert last_logged_iter(run_dir) >= target, \
        f'the run ended before iteration {target}:\n{output[-3000:]}'
    return code, last_logged_iter(run_dir), output


def assert_same_final_weights(work_dir: str, expected_dir: str) -> None:
    name = f'epoch_{EPOCHS}.pth'
    got = torch.load(osp.join(work_dir, name), map_location='cpu')
    expected = torch.load(osp.join(expected_dir, name), map_location='cpu')
    for part in ('state_dict', 'ema_state_dict'):
        assert got[part].keys() == expected[part].keys()
        for key, value in expected[part].items():
            assert torch.equal(got[part][key], value), (part, key)


def finish(setup, work_dir: str) -> int:
    """Resume to the end; return the iteration resumed from."""
    config, options = setup
    out = python_tool('train.py', config, '--work-dir', work_dir, '--resume',
                      '--cfg-options', *options)
    return resumed_iter(out)


def test_sigkill_at_random_iterations_loses_at_most_n(setup, uninterrupted,
                                                      tmp_path):
    rng = random.Random(15)
    total = EPOCHS * ITERS_PER_EPOCH
    targets = sorted(rng.sample(range(2, total - 1), 5))
    work_dir = str(tmp_path)
    killed_at, lost = [], []
    for target in targets:
        code, last, output = train_until(
            train_args(setup, work_dir), work_dir, target, signal.SIGKILL,
            rng.uniform(0, 0.2))
        assert code == -signal.SIGKILL
        if killed_at:
            lost.append(killed_at[-1] - resumed_iter(output))
        killed_at.append(last)
    lost.append(killed_at[-1] - finish(setup, work_dir))
    print(f'killed after iterations {killed_at}, lost {lost}')
    assert all(0 <= n <= ITER_INTERVAL for n in lost), (killed_at, lost)
    assert_same_final_weights(work_dir, uninterrupted)


def test_sigterm_saves_that_iteration_and_exits_75(setup, uninterrupted,
                                                   tmp_path):
    work_dir = str(tmp_path)
    target = ITERS_PER_EPOCH + 4  # mid-epoch, not an iteration checkpoint
    code, last, output = train_until(
        train_args(setup, work_dir), work_dir, target, signal.SIGTERM)
    assert code == PREEMPTED_EXIT_CODE, output[-3000:]
    assert f'training preempted after iteration {last}' in output
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work_dir, f'iter_{last}.pth')
    assert finish(setup, work_dir) == last
    assert_same_final_weights(work_dir, uninterrupted)


def test_resume_never_picks_a_half_written_file(setup, uninterrupted,
                                                tmp_path):
    """A kill during a write leaves ``*.tmp`` (or, with a writer that is not
    atomic, a truncated file); ``--resume`` takes ``last_checkpoint``'s."""
    work_dir = str(tmp_path)
    resume_at = EPOCHS * ITERS_PER_EPOCH - ITER_INTERVAL  # kept, mid-epoch
    good = f'iter_{resume_at}.pth'
    shutil.copy(osp.join(uninterrupted, good), work_dir)
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work_dir, good))
    with open(osp.join(uninterrupted, f'epoch_{EPOCHS}.pth'), 'rb') as f:
        data = f.read()
    for name in (f'iter_{EPOCHS * ITERS_PER_EPOCH}.pth.tmp',
                 f'epoch_{EPOCHS}.pth'):
        with open(osp.join(work_dir, name), 'wb') as f:
            f.write(data[:len(data) // 2])
    assert finish(setup, work_dir) == resume_at
    assert_same_final_weights(work_dir, uninterrupted)


def rank_pid(launcher: int, rank: int) -> int:
    """The pid of the process of ``rank`` that ``launcher`` started."""
    parents = {}
    for stat in glob.glob('/proc/[0-9]*/stat'):
        try:
            with open(stat) as f:  # "pid (name) state ppid ..."
                parents[int(stat.split('/')[2])] = int(f.read().rsplit(
                    ')', 1)[1].split()[1])
        except (OSError, ValueError):
            continue  # gone meanwhile
    descendants, todo = [], [launcher]
    while todo:
        pid = todo.pop()
        children = [c for c, p in parents.items() if p == pid]
        descendants += children
        todo += children
    for pid in descendants:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            if f'RANK={rank}'.encode() in f.read().split(b'\0'):
                return pid
    raise LookupError(f'no process of rank {rank} under {launcher}')


def test_two_processes_stop_after_the_same_iteration(setup, synthetic_root,
                                                     tmp_path):
    """SIGTERM to rank 1 only: both ranks stop after the same iteration and
    rank 0 writes the one checkpoint."""
    config, _ = setup
    work_dir = str(tmp_path)
    options = synthetic_cfg_options(synthetic_root, 5) + RUN + [
        'default_hooks.checkpoint.iter_interval=0'
    ]
    args = [
        'bash', 'tools/dist_train.sh', config, '2', '--work-dir', work_dir,
        '--cfg-options', *options
    ]
    code, last, output = train_until(
        args,
        work_dir,
        4,
        signal.SIGTERM,
        env=dict(PORT=str(free_port())),
        victim=lambda pid: rank_pid(pid, 1))
    assert code != 0  # torchrun reports the workers' exit code 75 as failure
    stops = re.findall(r'rank (\d): training preempted after iteration (\d+)',
                       output)
    assert sorted(stops) == [('0', str(last)),
                             ('1', str(last))], output[-3000:]
    saved = [osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth*'))]
    assert saved == [f'iter_{last}.pth']
