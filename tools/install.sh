#!/usr/bin/env bash
# Install mmvg and its stack into the current Python (idempotent).
#   bash tools/install.sh          runtime only
#   bash tools/install.sh --tests  also the test requirements and Chromium
# The mmcv wheel is taken from $MMCV_WHEEL_DIR (default: ../shared/wheels
# beside the project root) when that folder exists; otherwise mmcv 2.1.0 is
# built from source with its compiled ops (about 30 min on 2 cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MMCV_WHEEL_DIR="${MMCV_WHEEL_DIR:-$ROOT/../shared/wheels}"
TORCH_VERSION="${TORCH_VERSION:-2.13.0}"
export PIP_ROOT_USER_ACTION=ignore
PIP="python -m pip install --disable-pip-version-check -q"

has() { python - "$@" <<'PY' 2>/dev/null
import importlib.metadata as m, sys
name, want = sys.argv[1], sys.argv[2]
sys.exit(0 if m.version(name).split('+')[0] == want else 1)
PY
}

has torch "$TORCH_VERSION" || $PIP "torch==$TORCH_VERSION"
has mmengine 0.10.7 || $PIP "mmengine==0.10.7"
if ! has mmcv 2.1.0 || ! python -c "import mmcv._ext" 2>/dev/null; then
    if [ -d "$MMCV_WHEEL_DIR" ]; then
        $PIP --find-links "$MMCV_WHEEL_DIR" "mmcv==2.1.0"
    else
        echo "No mmcv wheel folder; building mmcv 2.1.0 from source (slow)."
        $PIP "setuptools<70" wheel ninja psutil
        MMCV_WITH_OPS=1 $PIP --no-build-isolation "mmcv==2.1.0"
        # mmcv's build needs pkg_resources (setuptools < 70); torch wants a
        # newer setuptools back afterwards
        $PIP "setuptools>=77"
    fi
fi
has mmdet 3.3.0 || $PIP "mmdet==3.3.0"
$PIP -r "$ROOT/requirements/runtime.txt"
# always (re)link this checkout, in case another one was installed before
$PIP --no-build-isolation --no-deps -e "$ROOT"
if [ "${1:-}" = "--tests" ]; then
    $PIP -r "$ROOT/requirements/tests.txt"
    $PIP --no-deps -r "$ROOT/requirements/tests_nodeps.txt"
    # headless Chromium for the web demo's browser test (skipped without it)
    bash "$ROOT/tools/install_browser.sh" ||
        echo "no Chromium: the web demo's browser test will be skipped"
fi
python -c "import mmcv._ext, mmdet.models, mmvg; print('mmvg', mmvg.__version__, 'ready')"
