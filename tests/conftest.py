"""Shared fixtures: registered modules and a tiny vocabulary."""
import pytest

from mmvg.utils import register_all_modules

register_all_modules()

WORDS = [
    'the', 'red', 'blue', 'green', 'circle', 'square', 'triangle', 'left',
    'right', 'of', 'small', 'big', 'shape', 'object'
]


@pytest.fixture
def vocab_file(tmp_path):
    """A WordPiece vocabulary covering :data:`WORDS`."""
    path = tmp_path / 'vocab.txt'
    path.write_text('\n'.join(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] +
                              WORDS) + '\n')
    return str(path)


TINY_CONFIG = 'configs/synthetic/transvg_tiny_synthetic.py'


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory):
    """A small synthetic dataset in the original formats (session-wide)."""
    from mmvg.datasets.synthetic import make_synthetic_dataset
    root = tmp_path_factory.mktemp('synthetic')
    make_synthetic_dataset(str(root), num_images=40, seed=1, image_size=64)
    return root


def synthetic_cfg_options(root, batch_size: int = 4) -> list:
    """``--cfg-options`` that point the tiny config at ``root`` and shrink
    the run for tests."""
    return [
        f'train_dataloader.dataset.data_root={root}/',
        f'val_dataloader.dataset.data_root={root}/',
        f'test_dataloader.dataset.data_root={root}/',
        f'model.text_encoder.vocab_file={root}/synthetic/vocab.txt',
        f'train_dataloader.batch_size={batch_size}',
        f'val_dataloader.batch_size={batch_size}',
        f'test_dataloader.batch_size={batch_size}',
        'default_hooks.logger.interval=1',
    ]


@pytest.fixture(scope='module')
def spm_path(tmp_path_factory):
    """A sentencepiece model of the synthetic set's words (SimVG's
    tokenizer input), made by tools/dataset_converters/make_synthetic_spm.py.
    """
    from test_simvg_spm import WORDS, load_tool, write_vocab
    root = tmp_path_factory.mktemp('spm')
    write_vocab(root, WORDS)
    return load_tool().make_synthetic_spm(str(root))


@pytest.fixture
def clip_tokenizer_dir(tmp_path):
    """A byte-level BPE vocabulary in CLIP's format (``vocab.json`` +
    ``merges.txt``): every byte alone and word-final, one merge chain that
    makes ``the`` a single token, and CLIP's start/end tokens."""
    from mmvg.models.language_models import write_word_bpe
    folder = str(tmp_path / 'clip_tokenizer')
    write_word_bpe(['the'], folder)
    return folder
