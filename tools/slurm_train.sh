#!/usr/bin/env bash
# Usage: [GPUS=16] tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]
exec "$(dirname "$0")/slurm_launch.sh" "$1" "$2" train.py "$3" \
    --work-dir="$4" "${@:5}"
