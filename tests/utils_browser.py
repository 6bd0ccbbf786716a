"""Headless Chromium for tests of web pages, driven through selenium."""
import shutil
from typing import Tuple

import pytest
from utils_cli import run_tool_status

# as root on a machine without a network beyond localhost: no sandbox, and
# none of Chromium's background connections
CHROMIUM_FLAGS = ('--headless=new', '--no-sandbox', '--disable-gpu',
                  '--disable-dev-shm-usage', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync',
                  '--no-first-run', '--window-size=1100,800')


def browser_paths() -> Tuple[str, str]:
    """Paths of chromium and chromedriver, installed by
    tools/install_browser.sh when missing; skips the test, saying why, when
    they cannot be installed."""
    if not (shutil.which('chromium') and shutil.which('chromedriver')):
        code, out = run_tool_status(['bash', 'tools/install_browser.sh'])
        if code:
            pytest.skip('no headless Chromium (tools/install_browser.sh '
                        f'failed): {out.strip()[-500:]}')
    return shutil.which('chromium'), shutil.which('chromedriver')


def start_chromium(user_data_dir: str):
    """A selenium driver of a new headless Chromium with its profile in
    ``user_data_dir``; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    chromium, chromedriver = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS + (f'--user-data-dir={user_data_dir}', ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(chromedriver))
