#!/bin/sh
# Peak resident set (GNU time's "Maximum resident set size") of the default training run and of a
# Fashion-MNIST run, from a release build. Prints the figures docs/performance.md quotes.
set -eu
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
out=$(mktemp -d)
export OPENBLAS_NUM_THREADS=1
peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }

kb=$(peak .build/release/partita train --plain --set run.dir="$out")
echo "default partita train (digits MLP 64-128-64-10): peak RSS $((kb / 1024)) MB (target <= 200 MB)"

data_bytes=$(( (60000 + 10000) * 784 + 60000 + 10000 ))
kb=$(peak .build/release/partita train --plain --set run.dir="$out" --set data.name=fashion-mnist \
    --set train.epochs=1 --set data.batch_size=256 --set model.hidden=[256,128])
echo "fashion-mnist, 1 epoch, MLP 784-256-128-10: peak RSS $((kb / 1024)) MB;" \
    "data set $((data_bytes / 1048576)) MB uncompressed (target <= data + 200 MB = $((data_bytes / 1048576 + 200)) MB)"
rm -rf "$out"
