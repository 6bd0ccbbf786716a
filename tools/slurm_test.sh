#!/usr/bin/env bash
# Usage: [GPUS=8] tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py options]
exec "$(dirname "$0")/slurm_launch.sh" "$1" "$2" test.py "$3" "$4" "${@:5}"
