#!/bin/sh
# Times four ways of summing a gradient over the ranks of this host and updating with it, side by side
# (see gradient-sum-designs.c). Needs mpicc (libopenmpi-dev).
set -eu
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mpicc -O2 -o "$out/gradient-sum-designs" gradient-sum-designs.c
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np "${RANKS:-2}" --bind-to none \
    "$out/gradient-sum-designs"
