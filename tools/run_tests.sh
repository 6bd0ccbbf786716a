#!/usr/bin/env bash
# Install mmvg with its test requirements, check the style, then run the
# test suite.
#   bash tools/run_tests.sh [pytest args]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/install.sh" --tests
cd "$ROOT"
bash tools/lint.sh
python -m pytest tests -q -rs "$@"  # -rs: why tests were skipped
