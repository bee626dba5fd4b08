#!/usr/bin/env python3
"""The Alrao experiment of issue 4 (docs/experiments/alrao.md).

On digits and on a Fashion-MNIST subset, with the same epochs: Alrao-SGD (η in (1e-5, 10), K = 10) against
plain SGD at η in {1e-5, 1e-4, ..., 10} and Adam at its defaults, every run on 2 MPI ranks
(`partita launch -n 2`). Writes the accuracy table (Markdown) and a figure spec of the switch posterior
over training (rendered with `partita plot`) into docs/experiments/.

Usage: deploy/experiments/alrao.py   (from the repository root; builds in release mode first)
"""
import json, os, sys, tempfile

import _partita
from _partita import out_dir

DATASETS = {
    "digits": ["data.name=digits", "model.hidden=[128,64]", "train.epochs=20", "data.batch_size=64"],
    "fashion-mnist (10k subset)": [
        "data.name=fashion-mnist", "data.train_subset=10000", "data.test_subset=2000", "model.hidden=[256,128]",
        "train.epochs=10", "data.batch_size=64"],
}
GRID = ["1e-05", "0.0001", "0.001", "0.01", "0.1", "1.0", "10.0"]


def run(name, settings, runs):
    records = _partita.train(runs, name, ["train.checkpoint_every=0", "run.seed=0"] + settings, allow_divergence=True)
    if records is None:
        # A diverging run ends with a non-finite loss, which Partita treats as an error: it scores nothing.
        return None, []
    validation = [r for r in records if r["split"] == "validation"]
    alrao = [r for r in records if r["split"] == "alrao"]
    return validation[-1]["accuracy"], alrao


def main():
    _partita.build_release()
    runs = tempfile.mkdtemp(prefix="partita-alrao-")
    rows, panels, raw = [], [], {}
    for index, (dataset, base) in enumerate(DATASETS.items()):
        runs_of_dataset = os.path.join(runs, f"dataset-{index}")
        run_in = lambda name, settings: run(name, settings, runs_of_dataset)
        results = {}
        for lr in GRID:
            acc, _ = run_in(f"sgd-{lr}", base + ["optimizer.name=sgd", "optimizer.momentum=0", f"optimizer.lr={lr}"])
            results[f"SGD η={lr}"] = acc
            print(dataset, "sgd", lr, acc, file=sys.stderr)
        results["Adam (defaults)"], _ = run_in("adam", base + ["optimizer.name=adam", "optimizer.lr=0.001"])
        acc, alrao = run_in("alrao", base + ["optimizer.name=alrao", "optimizer.alrao_min_lr=1e-5",
                                             "optimizer.alrao_max_lr=10", "optimizer.alrao_copies=10"])
        results["Alrao-SGD (1e-5, 10), K=10"] = acc
        print(dataset, "alrao", acc, "adam", results["Adam (defaults)"], file=sys.stderr)
        raw[dataset] = {"accuracy": results, "alrao": alrao}
        best_sgd = max(v for k, v in results.items() if k.startswith("SGD") and v is not None)
        rows.append((dataset, results, best_sgd))
        lrs = alrao[-1]["copy_lr"]
        panels.append({"title": dataset, "series": [
            {"name": f"copy {k}: η={lrs[k]:.0e}", "x": [r["step"] for r in alrao], "y": [r["posterior"][k] for r in alrao]}
            for k in range(len(lrs))]})

    names = list(rows[0][1].keys())
    table = ["| run | " + " | ".join(d for d, _, _ in rows) + " |", "|---|" + "---|" * len(rows)]
    for n in names:
        table.append(f"| {n} | " + " | ".join("diverged" if r[n] is None else f"{100 * r[n]:.2f}%" for _, r, _ in rows) + " |")
    table.append("| **Alrao − best SGD** | " + " | ".join(
        f"**{100 * (r['Alrao-SGD (1e-5, 10), K=10'] - best):+.2f} points**" for _, r, best in rows) + " |")
    open(os.path.join(out_dir, "alrao-results.md"), "w").write("\n".join(table) + "\n")
    json.dump(raw, open(os.path.join(out_dir, "alrao-results.json"), "w"), indent=1)
    figure = {"title": "Alrao switch posterior over training (K = 10 copies)", "x_label": "step",
              "y_label": "posterior probability", "x_log": False, "y_log": False, "panels": panels}
    json.dump(figure, open(os.path.join(out_dir, "figures/alrao-posterior.json"), "w"), indent=1)
    print("\n".join(table))


main()
