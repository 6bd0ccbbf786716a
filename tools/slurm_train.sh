#!/usr/bin/env bash
# Usage: [GPUS=16] tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py options]
#
# Preemption: training saves iter_{N}.pth after the current iteration on
# SIGTERM or SIGUSR1 (default_hooks.preemption) and exits with code 75; srun
# forwards both signals to every task. Ask slurm for a warning before the
# time limit and resume where the job stopped:
#   SRUN_ARGS="--signal=USR1@120" tools/slurm_train.sh PART NAME CONFIG DIR --resume
# In a batch script (#SBATCH --signal=B:USR1@120 signals the batch shell;
# drop B: to signal the tasks) requeue on 75 with `scontrol requeue`:
# see "Preemption and slurm requeue" in docs/train_test.md.
exec "$(dirname "$0")/slurm_launch.sh" "$1" "$2" train.py "$3" \
    --work-dir="$4" "${@:5}"
