#!/usr/bin/env bash
# Install headless Chromium and its WebDriver (Debian's chromium and
# chromium-driver) for the browser test of the web demo, when missing.
# Exits non-zero, saying why, where they cannot be installed (no apt-get,
# not root, no package index); that test is then skipped.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "no apt-get: install chromium and chromium-driver by hand" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "not root: run 'apt-get install chromium chromium-driver' as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver \
    >/dev/null
command -v chromium && command -v chromedriver
