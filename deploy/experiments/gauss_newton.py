#!/usr/bin/env python3
"""The Gauss-Newton experiment of issue 6 (docs/experiments/gauss-newton.md).

The CPU-scaled grid of methods.md §4.5: teacher-student data (d = 10, teacher of 5 SiLU units, N = 100
training and 2000 test samples), a mean-field student of H = 500 SiLU units, lr = 10; std ∈ {0.01, 0.1, 1, 10};
Gauss-Newton (at most 2000 iterations), gradient descent (capped at 20 000) and the random-features baseline;
seeds 1, 2, 3; every run on 2 MPI ranks (hidden units sharded). Writes the table and figure specs.

Usage: deploy/experiments/gauss_newton.py                 (from the repository root)
       deploy/experiments/gauss_newton.py --small-steps   (Gauss-Newton with lr = 2 only)
"""
import json, os, statistics, subprocess, sys, tempfile

import _partita
from _partita import out_dir, partita

STDS = ["0.01", "0.1", "1", "10"]
SEEDS = [1, 2, 3]
CAPS = {"gn": 2000, "gd": 20000, "random-features": 0}


def run(method, std, seed, runs, lr="10"):
    name = f"{method}-{std}-{seed}-{lr}"
    args = [partita, "launch", "-n", "2", "--", "gauss-newton", "--method", method, "--std", std, "--seed", str(seed),
            "--hidden", "500", "--train", "100", "--test", "2000", "--lr", lr, "--max-iterations", str(CAPS[method]),
            "--log-every", "10" if method == "gn" else "100", "--run-dir", runs, "--name", name, "--json"]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    curve = _partita.metrics(runs, name)
    summary["curve"] = [(r["step"], r["train_loss"]) for r in curve if r["split"] == "gauss-newton"]
    return summary


def small_steps(runs):
    """Gauss-Newton with lr = 2, the paper's lr/N = 10/500 at N = 100: the "small step size" of its claim."""
    rows = ["| std | iterations (reached tol.) | final test loss | weighted distance | test loss after refitting v |",
            "|---|---|---|---|---|"]
    raw = {}
    for std in STDS:
        results = [run("gn", std, seed, runs, lr="2") for seed in SEEDS]
        raw[std] = results
        reached = sum(r["reached_tolerance"] for r in results)
        rows.append(f"| {std} | {statistics.mean(r['iterations'] for r in results):.0f} ({reached}/3) | "
                    f"{statistics.mean(r['test_loss'] for r in results):.2e} | "
                    f"{statistics.mean(r['weighted_distance'] for r in results):.3f} | "
                    f"{statistics.mean(r['refit_test_loss'] for r in results):.2e} |")
        print("gn lr=2", std, [(r["iterations"], r["test_loss"], r["refit_test_loss"], r["weighted_distance"]) for r in results],
              file=sys.stderr)
    open(os.path.join(out_dir, "gauss-newton-small-steps.md"), "w").write("\n".join(rows) + "\n")
    json.dump(raw, open(os.path.join(out_dir, "gauss-newton-small-steps.json"), "w"), indent=1)
    print("\n".join(rows))


def main():
    _partita.build_release()
    runs = tempfile.mkdtemp(prefix="partita-gauss-newton-")
    if "--small-steps" in sys.argv:
        return small_steps(runs)
    results = {}
    for method in CAPS:
        for std in STDS:
            for seed in SEEDS:
                results[(method, std, seed)] = run(method, std, seed, runs)
                r = results[(method, std, seed)]
                print(method, std, seed, r["iterations"], r["train_loss"], r["test_loss"], r["refit_test_loss"],
                      r["weighted_distance"], file=sys.stderr)

    def mean(method, std, key):
        return statistics.mean(results[(method, std, s)][key] for s in SEEDS)

    table = ["| method | std | iterations (reached tol.) | final train loss | final test loss | weighted distance | "
             "test loss after refitting v |", "|---|---|---|---|---|---|---|"]
    for method in CAPS:
        for std in STDS:
            its = [results[(method, std, s)]["iterations"] for s in SEEDS]
            reached = sum(results[(method, std, s)]["reached_tolerance"] for s in SEEDS)
            iterations = "—" if method == "random-features" else f"{statistics.mean(its):.0f} ({reached}/3)"
            table.append(
                f"| {method} | {std} | {iterations} | {mean(method, std, 'train_loss'):.2e} | "
                f"{mean(method, std, 'test_loss'):.2e} | {mean(method, std, 'weighted_distance'):.3f} | "
                f"{mean(method, std, 'refit_test_loss'):.2e} |")
    open(os.path.join(out_dir, "gauss-newton-results.md"), "w").write("\n".join(table) + "\n")
    json.dump({f"{m}|{s}|{seed}": v for (m, s, seed), v in results.items()},
              open(os.path.join(out_dir, "gauss-newton-results.json"), "w"), indent=1)

    x = [float(s) for s in STDS]
    labels = {"gn": "Gauss-Newton", "gd": "gradient descent", "random-features": "random features"}
    figure = {"title": "Mean-field student (H = 500) on teacher data: means over 3 seeds", "x_label": "initial std",
              "y_label": "", "x_log": True, "y_log": True, "panels": [
                  {"title": "test loss at the end of training", "series": [
                      {"name": labels[m], "x": x, "y": [mean(m, s, "test_loss") for s in STDS]} for m in CAPS]},
                  {"title": "test loss after refitting v", "series": [
                      {"name": labels[m], "x": x, "y": [mean(m, s, "refit_test_loss") for s in STDS]} for m in CAPS]},
                  {"title": "weighted distance to the teacher", "series": [
                      {"name": labels[m], "x": x, "y": [mean(m, s, "weighted_distance") for s in STDS]} for m in CAPS]}]}
    json.dump(figure, open(os.path.join(out_dir, "figures/gauss-newton-grid.json"), "w"), indent=1)
    curves = {"title": "Training loss per iteration (seed 1)", "x_label": "iteration + 1", "y_label": "training loss",
              "x_log": True, "y_log": True, "panels": [
                  {"title": f"std = {std}", "series": [
                      {"name": labels[m], "x": [p[0] + 1 for p in results[(m, std, 1)]["curve"]],
                       "y": [p[1] for p in results[(m, std, 1)]["curve"]]} for m in ["gn", "gd"]]}
                  for std in STDS]}
    json.dump(curves, open(os.path.join(out_dir, "figures/gauss-newton-curves.json"), "w"), indent=1)
    print("\n".join(table))


main()
