#!/bin/sh
# Times the communication a sharded optimizer update (ZeRO stage 1) would need against the all-reduce
# Partita does, on 2 ranks of this host (see sharded-update.c). Needs mpicc (libopenmpi-dev).
set -eu
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mpicc -O2 -o "$out/sharded-update" sharded-update.c
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np "${RANKS:-2}" --bind-to none "$out/sharded-update"
