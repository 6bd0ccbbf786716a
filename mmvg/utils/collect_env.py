"""Print the environment mmvg runs in (for bug reports)."""
from mmengine.utils import get_git_hash
from mmengine.utils.dl_utils import collect_env as collect_base_env

import mmvg


def collect_env() -> dict:
    """Collect mmengine's environment info plus the mmvg version."""
    env_info = collect_base_env()
    env_info['mmvg'] = f'{mmvg.__version__}+{get_git_hash()[:7]}'
    return env_info


if __name__ == '__main__':
    for name, val in collect_env().items():
        print(f'{name}: {val}')
