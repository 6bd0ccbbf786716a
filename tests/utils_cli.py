"""Run the project's command-line tools in tests and read their logs."""
import glob
import importlib.util
import json
import os
import os.path as osp
import socket
import subprocess
import sys
from typing import List, Tuple

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def free_port() -> int:
    """A TCP port free on this machine, for a distributed launch."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def tool_env(env: dict = None) -> dict:
    """The environment tools run in: one thread, this checkout's mmvg."""
    # tools must import this checkout's mmvg, whatever is installed
    path = os.pathsep.join(filter(None, [ROOT, os.environ.get('PYTHONPATH')]))
    return dict(
        os.environ, OMP_NUM_THREADS='1', PYTHONPATH=path, **(env or {}))


def start_tool(args: List[str],
               log_file: str,
               env: dict = None) -> subprocess.Popen:
    """Start ``args`` from the project root with stdout and stderr to
    ``log_file``; the caller waits for (or kills) it."""
    with open(log_file, 'w') as log:
        return subprocess.Popen(
            args,
            cwd=ROOT,
            env=tool_env(env),
            stdout=log,
            stderr=subprocess.STDOUT)


def run_tool_status(args: List[str],
                    env: dict = None,
                    timeout: int = 600) -> Tuple[int, str]:
    """Run ``args`` from the project root; return (exit code, output)."""
    proc = subprocess.run(
        args,
        cwd=ROOT,
        env=tool_env(env),
        capture_output=True,
        text=True,
        timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def run_tool(args: List[str], env: dict = None, timeout: int = 600) -> str:
    """Run ``args`` from the project root; fail with its output on error."""
    code, output = run_tool_status(args, env, timeout)
    assert code == 0, output[-6000:]
    return output


def load_tool_module(script: str, folder: str = 'tools'):
    """``<folder>/<script>`` imported as a module (tools/ and demo/ are not
    packages)."""
    path = osp.join(ROOT, folder, script)
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(script))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fix_paired_medians(monkeypatch, module, times) -> list:
    """Make a benchmark tool's ``paired_medians`` run each timed call once
    and return the next row of ``times``; returns the list of its
    ``(number of calls, warmup, repeats)`` arguments, filled as it runs."""
    times = iter(times)
    calls = []

    def fixed_medians(fns, warmup, repeats, device):
        calls.append((len(fns), warmup, repeats))
        for fn in fns:
            fn()
        return list(next(times))

    monkeypatch.setattr(module, 'paired_medians', fixed_medians)
    return calls


def python_tool(script: str, *args: str, **kwargs) -> str:
    """Run ``python tools/<script> args...``."""
    return run_tool([sys.executable, f'tools/{script}', *args], **kwargs)


def json_log_records(work_dir: str) -> List[dict]:
    """All records of the mmengine json logs under ``work_dir``."""
    records = []
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def logged_test_metrics(work_dir: str) -> dict:
    """The metrics a ``tools/test.py`` run logged in ``work_dir``."""
    paths = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    assert paths, f'no json log in {work_dir}'
    with open(paths[-1]) as f:
        return json.loads(f.readline())


def assert_same_metric(key: str, value: float, expected: float) -> None:
    """Sample counts and accuracies (ratios of counts) must match exactly;
    means of float IoUs to rel 1e-6: batches of another composition (other
    process counts, batch sizes) move the boxes in the last bits."""
    if 'IoU' in key:
        assert value == pytest.approx(expected, rel=1e-6), key
    else:
        assert value == expected, key
