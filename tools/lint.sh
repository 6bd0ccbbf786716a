#!/usr/bin/env bash
# Style checks (flake8, isort, yapf with the settings in setup.cfg); fails on
# the first one that finds something. Fix with:
#   isort mmvg tools tests demo configs setup.py
#   yapf -i -r mmvg tools tests demo configs setup.py
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PATHS=(mmvg tools tests demo configs setup.py)
flake8 "${PATHS[@]}"
isort --check-only --diff "${PATHS[@]}"
diff=$(yapf --diff --recursive "${PATHS[@]}" || true)
if [ -n "$diff" ]; then
    echo "$diff"
    echo "yapf would reformat the files above" >&2
    exit 1
fi
echo "lint: flake8, isort and yapf are clean"
