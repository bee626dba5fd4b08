#!/bin/sh
# Memory of data-parallel Fashion-MNIST training at 1, 2 and 4 ranks on this host: each rank's peak
# resident set (VmHWM, counting the shared memory-mapped data set in full) and the host's total, the sum of
# the ranks' proportional set sizes (Pss: shared pages divided among the ranks that map them). Read from
# the `final parameters` record every rank logs into ranks/rank-NNNN.jsonl.
set -eu
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
out=$(mktemp -d)
for ranks in 1 2 4; do
    .build/release/partita launch -n "$ranks" -- train --plain --set run.dir="$out" --set run.name="ranks-$ranks" \
        --set data.name=fashion-mnist --set train.epochs=1 --set data.batch_size=256 \
        --set model.hidden=[256,128] >/dev/null 2>&1
    python3 - "$out/ranks-$ranks" "$ranks" <<'PY'
import json, sys, glob
run, ranks = sys.argv[1], int(sys.argv[2])
rss, pss = [], []
for path in sorted(glob.glob(run + "/ranks/rank-*.jsonl")):
    records = [json.loads(line) for line in open(path) if '"final parameters"' in line]
    meta = records[-1]["metadata"]
    rss.append(int(meta["peak_rss_mb"])); pss.append(int(meta["pss_mb"]))
print(f"{ranks} rank(s): peak RSS per rank {rss} MB; host total (sum of Pss) {sum(pss)} MB")
PY
done
rm -rf "$out"
