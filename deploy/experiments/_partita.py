"""What the experiment scripts share: the repository's paths, the release build, and training runs.

Imported by the scripts next to this file (`import _partita`); not meant to be run.
"""
import json, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
partita = os.path.join(root, ".build/release/partita")
out_dir = os.path.join(root, "docs/experiments")


def build_release():
    """`swift build -c release` in the repository root (quietly; fails the script if the build fails)."""
    subprocess.run(["swift", "build", "-c", "release"], cwd=root, check=True, stdout=subprocess.DEVNULL)


def metrics(runs, name):
    """The records of `runs/name/metrics.jsonl`, in order."""
    return [json.loads(line) for line in open(os.path.join(runs, name, "metrics.jsonl"))]


def train(runs, name, settings, allow_divergence=False):
    """`partita launch -n 2 -- train --plain` into `runs/name` with `settings` (each a `--set key=value`, in order).

    Returns the run's metrics records. A failed run stops the script with its standard error, except that with
    `allow_divergence` a run whose training loss became non-finite (which Partita treats as an error) returns None.
    """
    args = [partita, "launch", "-n", "2", "--", "train", "--plain", "--set", f"run.dir={runs}", "--set",
            f"run.name={name}"]
    for s in settings:
        args += ["--set", s]
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        if allow_divergence and "the training loss became" in result.stderr:
            return None
        sys.exit(result.stderr)
    return metrics(runs, name)


def train_samples(runs, name):
    """The number of training samples of the run `runs/name`, from the data summary rank 0 logged at the start
    ("digits: 1797×64, classification (10 classes), train 1438, validation 359, no test split")."""
    for line in open(os.path.join(runs, name, "ranks", "rank-0000.jsonl")):
        record = json.loads(line)
        if record["message"] == "data":
            return int(re.search(r"\btrain (\d+)\b", record["metadata"]["summary"]).group(1))
    sys.exit(f"{runs}/{name}: no data summary in ranks/rank-0000.jsonl")
