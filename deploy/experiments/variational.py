#!/usr/bin/env python3
"""The variational-inference experiment of issue 10 (docs/experiments/variational.md).

On the bundled digits (MLP 64-128-64-10, 60 epochs, Adam η = 3e-3, global batch 64, 2 MPI ranks), seeds 0-2:
point estimates (plain, and weight decay = the MAP of a Gaussian prior) against mean-field Gaussian VI with
the Gaussian prior, the means-only weight-decay penalty (not a prior, methods.md §5.3) and the Laplace prior,
at a fixed prior variance s² = 0.1 and at the initialization-variance heuristic. Measures the held-out NLL,
accuracy and calibration error (`partita eval --json`, 10 weight samples for VI) and, for VI, the ELBO per
training sample. Writes docs/experiments/variational-results.{md,json} and a figure spec.

Usage: deploy/experiments/variational.py   (from the repository root; builds in release mode first)
"""
import json, os, statistics, subprocess, sys, tempfile

import _partita
from _partita import out_dir, partita

SEEDS = [0, 1, 2]
FIXED_VARIANCE = 0.1
BASE = ["data.name=digits", "model.hidden=[128,64]", "train.epochs=60", "data.batch_size=64", "optimizer.lr=0.003",
        "train.checkpoint_every=0"]


def vi(prior, variance):
    return ["optimizer.name=vi", f"optimizer.vi_prior={prior}", f"optimizer.vi_prior_variance={variance}"]


# A weight decay λ' added to the mean loss's gradient is the penalty (λ'/2)·θ² per sample, the MAP of N(0, s²)
# with s² = 1/(n·λ'), n the number of training samples (1438 for digits: 1797 minus the 20% validation split),
# read from the log of a run before it (every run uses the same data settings).
def map_decay(train_samples):
    return ["optimizer.name=adam", f"optimizer.weight_decay={1 / (train_samples * FIXED_VARIANCE):.6g}"]


# Settings per run: a list, or a function of the number of training samples (called after the first run).
RUNS = {
    "plain (Adam)": ["optimizer.name=adam"],
    f"weight decay = MAP, N(0, {FIXED_VARIANCE})": map_decay,
    f"VI, Gaussian prior N(0, {FIXED_VARIANCE})": vi("gaussian", FIXED_VARIANCE),
    f"VI, means-only decay, s² = {FIXED_VARIANCE}": vi("means-decay", FIXED_VARIANCE),
    "VI, Gaussian prior, init-variance heuristic": vi("gaussian", 0),
    "VI, means-only decay, init-variance heuristic": vi("means-decay", 0),
    "VI, Laplace prior, init-variance heuristic": vi("laplace", 0),
}


def train(name, settings, seed, runs):
    records = _partita.train(runs, name, [f"run.seed={seed}"] + BASE + settings)
    evaluation = subprocess.run([partita, "eval", os.path.join(runs, name, "checkpoints/latest"), "--json",
                                 "--split", "validation"], capture_output=True, text=True, check=True)
    held_out = json.loads(evaluation.stdout.splitlines()[0])
    result = {"nll": held_out["loss"], "accuracy": held_out["accuracy"], "ece": held_out["calibration_error"],
              "confidence": held_out["mean_confidence"]}
    vi_records = [r for r in records if r["split"] == "vi"]
    if vi_records:
        # ELBO per sample = −(E_q[data NLL] + KL/n): the data term is the mean training loss over the last epoch
        # (one weight sample per step), the KL the last logging window's (always to a prior: for means-only
        # decay, to its Gaussian completion).
        last_epoch = max(r["epoch"] for r in records if r["split"] == "train")
        data_term = statistics.mean(r["loss"] for r in records if r["split"] == "train" and r["epoch"] == last_epoch)
        result.update(elbo=-(data_term + vi_records[-1]["kl_per_sample"]), kl=vi_records[-1]["kl_per_sample"],
                      sigma=vi_records[-1]["mean_sigma"])
    curves = {"step": [r["step"] for r in records if r["split"] == "validation"],
              "nll": [r["loss"] for r in records if r["split"] == "validation"],
              "sigma_step": [r["step"] for r in vi_records], "sigma": [r["mean_sigma"] for r in vi_records]}
    return result, curves


def cell(values, scale=1, digits=3):
    values = [scale * v for v in values]
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def main():
    _partita.build_release()
    runs = tempfile.mkdtemp(prefix="partita-vi-")
    raw, curves = {}, {}
    for index, (label, settings) in enumerate(RUNS.items()):
        if callable(settings):
            settings = settings(_partita.train_samples(runs, "run0-seed0"))
        raw[label] = []
        for seed in SEEDS:
            result, curve = train(f"run{index}-seed{seed}", settings, seed, runs)
            raw[label].append(result)
            if seed == 0:
                curves[label] = curve
            print(label, seed, result, file=sys.stderr)

    table = ["| run | held-out NLL | accuracy (%) | mean confidence (%) | calibration error (ECE) | ELBO per sample "
             "| KL per sample | mean σ |", "|---|---|---|---|---|---|---|---|"]
    for label, results in raw.items():
        row = [cell([r["nll"] for r in results]), cell([r["accuracy"] for r in results], 100, 2),
               cell([r["confidence"] for r in results], 100, 2), cell([r["ece"] for r in results])]
        if "elbo" in results[0]:
            row += [cell([r["elbo"] for r in results]), cell([r["kl"] for r in results], 1, 2),
                    cell([r["sigma"] for r in results], 1, 4)]
        else:
            row += ["—", "—", "—"]
        table.append(f"| {label} | " + " | ".join(row) + " |")
    open(os.path.join(out_dir, "variational-results.md"), "w").write("\n".join(table) + "\n")
    json.dump(raw, open(os.path.join(out_dir, "variational-results.json"), "w"), indent=1)
    figure = {"title": "Variational inference on digits (seed 0)", "x_label": "step", "y_label": "", "x_log": False,
              "y_log": True, "panels": [
                  {"title": "held-out NLL", "series": [
                      {"name": label, "x": c["step"], "y": c["nll"]} for label, c in curves.items()]},
                  {"title": "mean posterior σ", "series": [
                      {"name": label, "x": c["sigma_step"], "y": c["sigma"]} for label, c in curves.items() if c["sigma"]]},
              ]}
    json.dump(figure, open(os.path.join(out_dir, "figures/variational.json"), "w"), indent=1)
    print("\n".join(table))


main()
