"""mmvg: an OpenMMLab-style visual grounding toolbox (REC, RES, GREC)."""
import mmcv
import mmdet
import mmengine
from mmengine.utils import digit_version

from .version import __version__, version_info

# Same ranges mmdet 3.3 accepts; mmvg adds the mmdet range it is built on.
_RANGES = {
    'mmcv': (mmcv.__version__, '2.0.0rc4', '2.2.0'),
    'mmengine': (mmengine.__version__, '0.7.1', '1.0.0'),
    'mmdet': (mmdet.__version__, '3.0.0', '3.4.0'),
}
for _name, (_found, _low, _high) in _RANGES.items():
    assert digit_version(_low) <= digit_version(_found) < digit_version(
        _high), (f'{_name}=={_found} is used but incompatible. '
                 f'Please install {_name}>={_low}, <{_high}.')

__all__ = ['__version__', 'version_info', 'digit_version']
