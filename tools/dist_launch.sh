#!/usr/bin/env bash
# Usage: tools/dist_launch.sh NUM_PROCESSES SCRIPT [SCRIPT args]
# Starts SCRIPT (train.py or test.py) under torchrun with --launcher pytorch.
# One process per GPU; without CUDA the processes run on CPU with gloo.
NPROC=$1
SCRIPT=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
python -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$(dirname "$0")/$SCRIPT" \
    "${@:3}" \
    --launcher pytorch
