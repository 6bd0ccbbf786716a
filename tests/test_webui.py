"""demo/webui.py: the handler on a tiny random model, the served app over
HTTP, and the page driven in headless Chromium."""
import glob
import json
import os
import re
import shutil
import sys
import time
import urllib.request

import mmcv
import numpy as np
import pytest
import torch
from conftest import TINY_CONFIG
from mmengine.config import Config
from mmengine.runner import save_checkpoint
from mmengine.structures import InstanceData
from utils_browser import start_chromium
from utils_cli import ROOT, free_port, load_tool_module, start_tool

from mmvg.registry import MODELS

webui = load_tool_module('webui.py', folder='demo')
TEXT = 'the red circle'


@pytest.fixture(scope='module')
def tiny_files(tmp_path_factory, synthetic_root):
    """Config and random-weights checkpoint of the tiny synthetic model."""
    folder = tmp_path_factory.mktemp('webui')
    cfg = Config.fromfile(f'{ROOT}/{TINY_CONFIG}')
    cfg.model.text_encoder.vocab_file = f'{synthetic_root}/synthetic/vocab.txt'
    config, checkpoint = str(folder / 'tiny.py'), str(folder / 'tiny.pth')
    cfg.dump(config)
    torch.manual_seed(0)
    save_checkpoint({'state_dict': MODELS.build(cfg.model).state_dict()},
                    checkpoint)
    return config, checkpoint


@pytest.fixture(scope='module')
def demo(tiny_files):
    return webui.GroundingDemo({'tiny': webui.load_model(*tiny_files)})


@pytest.fixture(scope='module')
def image_path(synthetic_root) -> str:
    return sorted(glob.glob(f'{synthetic_root}/images/*.png'))[0]


def wait_for_page(url: str, proc, log: str, timeout: float = 180) -> None:
    """Wait until ``url`` answers; fail with the log if ``proc`` exits or
    ``timeout`` seconds pass first."""
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail('the web demo did not start:\n' +
                            open(log).read()[-4000:])
            time.sleep(0.5)


@pytest.fixture(scope='module')
def server(tiny_files, tmp_path_factory):
    """``python demo/webui.py`` serving the tiny model; yields its URL."""
    port = free_port()
    log = str(tmp_path_factory.mktemp('server') / 'webui.log')
    args = [sys.executable, 'demo/webui.py', '--model', 'tiny', *tiny_files]
    proc = start_tool(
        args + ['--port', str(port)],
        log,
        env=dict(GRADIO_ANALYTICS_ENABLED='False'))
    url = f'http://127.0.0.1:{port}/'
    wait_for_page(url, proc, log)
    yield url
    proc.terminate()
    proc.wait(30)


def boxes_in(summary: str) -> list:
    """The ``box [x1, y1, x2, y2]`` lines of a summary."""
    return [
        json.loads(box)
        for box in re.findall(r'^box (\[[^\]]*\])', summary, re.MULTILINE)
    ]


def red(picture: np.ndarray) -> np.ndarray:
    """Where ``picture`` shows the predictions' red (over any background:
    the visualizer blends it)."""
    r, g, b = np.moveaxis(picture.astype(int), -1, 0)
    return (r > 120) & (g < 80) & (b < 80)


def red_near(picture: np.ndarray, x: float, y: float) -> bool:
    """Whether a red pixel is within 3 px of (x, y)."""
    x, y = int(round(x)), int(round(y))
    return bool(red(picture)[max(0, y - 3):y + 4, max(0, x - 3):x + 4].any())


def test_handler_draws_and_names_the_box(demo, image_path):
    image = mmcv.imread(image_path, channel_order='rgb')
    picture, summary = demo.ground(image, f'  {TEXT} ', 'tiny')
    pred = demo.models['tiny'].predict(image, TEXT)
    top = pred.bboxes[pred.scores.argmax()].tolist()
    [box] = boxes_in(summary)
    assert box == pytest.approx(top, abs=0.05 + 1e-6)
    # the picture is the input upscaled, with the box on it
    scale = picture.shape[0] / image.shape[0]
    before = mmcv.imrescale(image, scale)
    assert picture.shape == before.shape
    x1, y1, x2, y2 = [v * scale for v in top]
    for x, y in [(x1, (y1 + y2) / 2), (x2, (y1 + y2) / 2),
                 ((x1 + x2) / 2, y2)]:
        assert red_near(picture, x, y) and not red_near(before, x, y)


def test_handler_explains_bad_input(demo, image_path):
    image = mmcv.imread(image_path, channel_order='rgb')
    with pytest.raises(ValueError, match='Type an expression'):
        demo.ground(image, '   ', 'tiny')
    with pytest.raises(ValueError, match='Upload an image'):
        demo.ground(None, TEXT, 'tiny')
    with pytest.raises(ValueError, match="Unknown model 'big'; loaded: tiny"):
        demo.ground(image, TEXT, 'big')


def fixed_model(score_thr=None, **pred) -> webui.DemoModel:
    """A model that predicts ``pred`` whatever it is asked."""
    return webui.DemoModel(lambda image, text: InstanceData(**pred), score_thr)


def test_grec_keeps_boxes_above_threshold_or_says_no_target():
    image = np.zeros((64, 64, 3), np.uint8)
    boxes = torch.tensor([[8., 8., 30., 30.], [36., 36., 60., 60.]])
    demo = webui.GroundingDemo({
        'two':
        fixed_model(0.7, bboxes=boxes, scores=torch.tensor([.9, .2])),
        'none':
        fixed_model(0.7, bboxes=boxes, scores=torch.tensor([.5, .2]))
    })
    picture, summary = demo.ground(image, TEXT, 'two')
    assert boxes_in(summary) == [[8., 8., 30., 30.]]
    scale = picture.shape[0] / 64
    assert red_near(picture, 30 * scale, 20 * scale)
    assert not red_near(picture, 60 * scale, 48 * scale)
    picture, summary = demo.ground(image, TEXT, 'none')
    assert summary == 'no target: no box scored >= 0.70 (best 0.500)'
    assert not red(picture).any()


def test_masks_are_drawn_and_measured():
    mask = torch.zeros(1, 64, 64, dtype=torch.bool)
    mask[0, 40:60, 10:30] = True
    demo = webui.GroundingDemo({
        'res':
        fixed_model(
            bboxes=torch.tensor([[10., 40., 30., 60.]]),
            scores=torch.ones(1),
            masks=mask)
    })
    picture, summary = demo.ground(
        np.zeros((64, 64, 3), np.uint8), TEXT, 'res')
    assert summary == 'box [10.0, 40.0, 30.0, 60.0] score 1.000, ' \
        'mask of 400 pixels'
    scale = picture.shape[0] / 64
    tinted = picture[..., 0] > 2 * picture[..., 1].astype(int) + 30
    assert tinted[int(50 * scale), int(20 * scale)]
    assert not tinted[int(20 * scale), int(50 * scale)]


def test_grec_threshold_comes_from_the_config():
    grec = Config.fromfile(f'{ROOT}/configs/synthetic/'
                           'simvg_tiny_synthetic_grec.py')
    assert webui.grec_score_thr(grec) == 0.7
    assert webui.grec_score_thr(Config.fromfile(f'{ROOT}/{TINY_CONFIG}')) \
        is None


def test_server_answers_over_http(server, demo, image_path):
    from gradio_client import Client, handle_file
    page = urllib.request.urlopen(server, timeout=30).read().decode()
    assert 'mmvg visual grounding' in page  # the app's title
    client = Client(server, verbose=False)
    picture_file, summary = client.predict(
        handle_file(image_path), TEXT, 'tiny', api_name='/ground')
    image = mmcv.imread(image_path, channel_order='rgb')
    expected_picture, expected = demo.ground(image, TEXT, 'tiny')
    assert summary == expected  # the same weights answer the same
    picture = mmcv.imread(picture_file, channel_order='rgb')
    assert picture.shape == expected_picture.shape
    with pytest.raises(Exception, match='Type an expression'):
        client.predict(handle_file(image_path), '', 'tiny', api_name='/ground')


def test_page_in_a_browser(server, demo, image_path, tmp_path):
    """Upload, type, submit in headless Chromium. The screenshot is saved
    to $MMVG_WEBUI_SCREENSHOT when set (docs/webui.png is made so)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    driver = start_chromium(str(tmp_path / 'profile'))
    try:
        driver.get(server)
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR,
                                             '#image input[type=file]'))
        driver.find_element(By.CSS_SELECTOR,
                            '#image input[type=file]').send_keys(image_path)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#image img'))
        driver.find_element(By.CSS_SELECTOR,
                            '#expression textarea').send_keys(TEXT)
        driver.find_element(By.ID, 'run').click()
        summary = wait.until(lambda d: d.find_element(
            By.CSS_SELECTOR, '#summary textarea').get_attribute('value'))
        image = mmcv.imread(image_path, channel_order='rgb')
        expected_picture, expected = demo.ground(image, TEXT, 'tiny')
        assert summary == expected
        picture = driver.find_element(By.CSS_SELECTOR, '#picture img')
        width = wait.until(lambda d: d.execute_script(
            'return arguments[0].complete && arguments[0].naturalWidth',
            picture))
        assert width == expected_picture.shape[1]
        driver.save_screenshot(str(tmp_path / 'webui.png'))
    finally:
        driver.quit()
    if os.environ.get('MMVG_WEBUI_SCREENSHOT'):
        shutil.copy(tmp_path / 'webui.png',
                    os.environ['MMVG_WEBUI_SCREENSHOT'])
