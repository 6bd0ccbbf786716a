#!/usr/bin/env bash
# The main job on a fresh machine, on CPU: install, write the synthetic
# dataset, train the tiny baseline, evaluate it, save pictures of predictions.
#   bash tools/quickstart.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIG=configs/synthetic/transvg_tiny_synthetic.py
WORK_DIR=work_dirs/quickstart

bash tools/install.sh
python tools/dataset_converters/make_synthetic_refs.py data/synthetic \
    --num-images 8000 --seed 0
start=$SECONDS
python tools/train.py "$CONFIG" --work-dir "$WORK_DIR"
train_seconds=$((SECONDS - start))
python tools/test.py "$CONFIG" "$(cat "$WORK_DIR/last_checkpoint")" \
    --work-dir "$WORK_DIR/test" --out "$WORK_DIR/predictions.json" \
    --show-dir pictures \
    --cfg-options default_hooks.visualization.interval=50
python tools/analysis_tools/random_object_floor.py "$CONFIG"
echo "Training took ${train_seconds} s."
echo "Metrics: the 'Epoch(test)' line above (fractions; REC/Acc@0.5/<kind>"\
" per expression kind). Predictions: $WORK_DIR/predictions.json"
echo "Pictures of predictions (green: target, red: prediction):"
ls -d "$WORK_DIR"/test/*/pictures
