"""browse_dataset.py draws the samples of a config after its pipeline."""
import glob

from conftest import TINY_CONFIG
from utils_cli import python_tool


def test_browse_writes_one_picture_per_sample(synthetic_root, tmp_path):
    out = str(tmp_path / 'browse')
    python_tool('analysis_tools/browse_dataset.py', TINY_CONFIG,
                '--output-dir', out, '--max-samples', '5', '--cfg-options',
                f'train_dataloader.dataset.data_root={synthetic_root}/')
    assert len(glob.glob(f'{out}/*.jpg')) == 5
