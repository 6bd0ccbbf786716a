"""shutdown_distributed joins gloo's worker threads before interpreter exit
(left running, they abort the process when it finalises)."""
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent('''
    import glob, sys
    import torch
    import torch.distributed as dist
    from mmengine.model import MMDistributedDataParallel
    from mmvg.utils import shutdown_distributed

    def gloo_threads():
        names = [open(f).read().strip()
                 for f in glob.glob('/proc/self/task/*/comm')]
        return [n for n in names if n.startswith(('pt_gloo', 'gloo'))]

    dist.init_process_group('gloo', init_method='file://' + sys.argv[1],
                            rank=0, world_size=1)
    holder = {}
    holder['self'] = holder  # a cycle, as the runner's hooks make
    holder['model'] = MMDistributedDataParallel(
        torch.nn.Linear(2, 2), device_ids=None)  # as setup_cpu_distributed
    dist.broadcast_object_list([{'metric': 1.0}])
    assert gloo_threads(), 'expected gloo worker threads to be running'
    del holder
    if sys.argv[2] == 'shutdown':
        shutdown_distributed()
    print('LEFT', len(gloo_threads()))
''')


@pytest.mark.skipif(
    not sys.platform.startswith('linux'),
    reason='reads thread names from /proc')
@pytest.mark.parametrize('mode,left', [('shutdown', 0), ('none', None)])
def test_shutdown_joins_gloo_threads(tmp_path, mode, left):
    out = subprocess.run(
        [sys.executable, '-c', SCRIPT,
         str(tmp_path / 'store'), mode],
        capture_output=True,
        text=True,
        timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    count = int(out.stdout.split('LEFT')[-1])
    if left is None:  # the control: without it the workers outlive main()
        assert count > 0
    else:
        assert count == left
