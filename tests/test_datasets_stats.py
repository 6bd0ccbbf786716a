"""tools/analysis_tools/dataset_stats.py on tiny refer files."""
import importlib.util
import json
import os.path as osp
import pickle

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    'dataset_stats',
    osp.join(ROOT, 'tools', 'analysis_tools', 'dataset_stats.py'))
dataset_stats = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dataset_stats)


def test_length_histogram():
    assert dataset_stats.length_histogram([1, 2, 3, 4, 5, 16, 40]) == {
        '1': 1,
        '2': 1,
        '3-4': 2,
        '5-8': 1,
        '9-16': 1,
        '17-32': 0,
        '>32': 1
    }


@pytest.fixture
def data_root(tmp_path):
    """RefCOCO-style files: 2 images; train has 2 refs (3 sentences), val
    1 ref; gRefCOCO has one no-target ref."""
    images = [
        dict(id=i, file_name=f'{i}.jpg', height=50, width=50) for i in (1, 2)
    ]
    anns = [dict(id=10 + i, image_id=i, bbox=[1, 1, 10, 10]) for i in (1, 2)]

    def ref(ref_id, ann_id, image_id, split, texts):
        return dict(
            ref_id=ref_id,
            ann_id=ann_id,
            image_id=image_id,
            split=split,
            sentences=[
                dict(sent_id=10 * ref_id + k, sent=text)
                for k, text in enumerate(texts)
            ])

    refs = [
        ref(0, 11, 1, 'train', ['man', 'the tall man on the left']),
        ref(1, 11, 1, 'train', ['a b c']),
        ref(2, 12, 2, 'val', ['dog'])
    ]
    grefs = [
        ref(0, [-1], 1, 'train', ['nothing']),
        ref(1, [11, 12], 1, 'train', ['everything here'])
    ]
    folder = tmp_path / 'refcoco'
    folder.mkdir()
    (folder / 'instances.json').write_text(
        json.dumps(dict(images=images, annotations=anns)))
    (folder / 'refs(unc).p').write_bytes(pickle.dumps(refs, protocol=2))
    (folder / 'grefs(unc).json').write_text(json.dumps(grefs))
    return str(tmp_path)


def test_refer_files(data_root, capsys):
    dataset_stats.main([
        '--data-root', data_root, '--ann-file', 'refcoco/instances.json',
        '--split-file', 'refcoco/refs(unc).p', '--splits', 'train', 'val'
    ])
    train, val = capsys.readouterr().out.split('refcoco/refs(unc).p')[1:]
    assert 'samples 3  refs 2  images 1  no-target 0.00%' in train
    assert "1: 1, 2: 0, 3-4: 1, 5-8: 1" in train
    assert 'samples 1  refs 1  images 1' in val


def test_grefcoco_no_target_share(data_root, capsys):
    dataset_stats.main([
        '--data-root', data_root, '--ann-file', 'refcoco/instances.json',
        '--split-file', 'refcoco/grefs(unc).json', '--splits', 'train'
    ])
    assert 'samples 2  refs 2  images 1  no-target 50.00%' in \
        capsys.readouterr().out


def test_config(data_root, capsys):
    dataset_stats.main([
        osp.join(ROOT, 'configs', '_base_', 'datasets', 'refcoco.py'),
        '--data-root', data_root, '--dataloaders', 'val'
    ])
    out = capsys.readouterr().out
    assert out.startswith('val: refcoco refcoco/refs(unc).p [val]')
    assert 'samples 1  refs 1' in out


def test_needs_config_or_files():
    with pytest.raises(SystemExit):
        dataset_stats.parse_args([])
