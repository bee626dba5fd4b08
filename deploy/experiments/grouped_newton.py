#!/usr/bin/env python3
"""The grouped-Newton experiment of issue 5 (docs/experiments/grouped-newton.md).

The MLP-on-MNIST setup of the paper (methods.md §3.4) scaled to this machine: Fashion-MNIST, 10 000 training
images, MLP 784-256-64-32-10 with tanh, σ_w = 1 (÷√fan_in), bias 0, batch 100, 15 epochs, on 2 MPI ranks.
Grouped Newton (per-tensor partition, momentum-0.9 direction, order 3, λ_int = 1, damping tuned over {0.1, 0.3, 1, 3}
(the paper's scripts use 0.1), refresh every 10 steps on 100 separate samples, negative rates removed, uniform averaging period 3 with warm-up 3, damping on
plateau patience 2 factor 0.5) against SGD (momentum 0.9) and Adam, each at the best rate of a small grid by
final training loss. Writes the table and two figure specs (training loss per epoch, per-layer rates).

Usage: deploy/experiments/grouped_newton.py              (from the repository root)
       deploy/experiments/grouped_newton.py --variants   (refreshes on 1 000 samples, per-layer and per-tensor
                                                          partitions; writes grouped-newton-variants.md)
"""
import json, os, sys, tempfile

import _partita
from _partita import out_dir

BASE = ["data.name=fashion-mnist", "data.train_subset=10000", "data.test_subset=2000", "data.batch_size=100",
        "model.hidden=[256,64,32]", "model.activation=tanh", "model.init=gaussian", "model.sigma_w=1",
        "model.sigma_b=0", "train.epochs=15", "train.log_every=80", "train.checkpoint_every=0", "run.seed=0"]
GN = ["optimizer.name=grouped-newton", "optimizer.gn_partition=tensor", "optimizer.gn_direction=momentum",
      "optimizer.momentum=0.9", "optimizer.gn_order=3", "optimizer.gn_lambda=1", "optimizer.gn_damping=0.1",
      "optimizer.gn_period=10", "optimizer.gn_batch_size=100", "optimizer.gn_remove_negative=true",
      "optimizer.gn_average_period=3", "optimizer.gn_warmup=3", "optimizer.gn_plateau_patience=2",
      "optimizer.gn_plateau_factor=0.5", "optimizer.gn_plateau_threshold=1e-4"]


def run(name, settings, runs):
    records = _partita.train(runs, name, BASE + settings, allow_divergence=True)
    if records is None:
        return None
    train = [r for r in records if r["split"] == "train"]
    validation = [r for r in records if r["split"] == "validation"]
    test = [r for r in records if r["split"] == "test"]
    return {"train_loss": [(r["epoch"] + 1, r["loss"]) for r in train], "final_train_loss": train[-1]["loss"],
            "validation_accuracy": validation[-1]["accuracy"], "test_accuracy": test[-1]["accuracy"] if test else None,
            "grouped_newton": [r for r in records if r["split"] == "grouped-newton"]}


def variants():
    """Grouped Newton with refreshes on 1 000 samples instead of 100, per layer (S = 4) and per tensor."""
    _partita.build_release()
    runs = tempfile.mkdtemp(prefix="partita-gn-variants-")
    rows = ["| partition | refresh samples | damping | final training loss | validation accuracy |", "|---|---|---|---|---|"]
    for partition, damping in [("layer", "0.1"), ("tensor", "0.1"), ("layer", "1")]:
        settings = GN + [f"optimizer.gn_partition={partition}", "optimizer.gn_batch_size=1000",
                         f"optimizer.gn_damping={damping}"]
        r = run(f"variant-{partition}-{damping}", settings, runs)
        loss, accuracy = ("diverged", "—") if r is None else (f"{r['final_train_loss']:.4f}", f"{100 * r['validation_accuracy']:.2f}%")
        rows.append(f"| {partition} | 1000 | {damping} | {loss} | {accuracy} |")
        print(rows[-1], file=sys.stderr)
    open(os.path.join(out_dir, "grouped-newton-variants.md"), "w").write("\n".join(rows) + "\n")


def main():
    if "--variants" in sys.argv:
        return variants()
    _partita.build_release()
    runs = tempfile.mkdtemp(prefix="partita-gn-")
    results = {}
    grids = {"SGD (momentum 0.9)": ("sgd", ["0.003", "0.01", "0.03", "0.1"]), "Adam": ("adam", ["0.0001", "0.0003", "0.001", "0.003"])}
    for label, (name, rates) in grids.items():
        tried = {}
        for lr in rates:
            extra = [f"optimizer.name={name}", f"optimizer.lr={lr}"] + (["optimizer.momentum=0.9"] if name == "sgd" else [])
            tried[lr] = run(f"{name}-{lr}", extra, runs)
            print(label, lr, tried[lr] and tried[lr]["final_train_loss"], file=sys.stderr)
        best = min((lr for lr in tried if tried[lr]), key=lambda lr: tried[lr]["final_train_loss"])
        results[f"{label}, η = {best}"] = tried[best]
        results[f"{label}, η = {best}"]["grid"] = {lr: (tried[lr]["final_train_loss"] if tried[lr] else None) for lr in rates}
    # Grouped Newton has no learning rate, but its damping λ₁ scales every rate: the paper tunes it too.
    tried = {}
    for damping in ["0.1", "0.3", "1", "3"]:
        tried[damping] = run(f"grouped-newton-{damping}", GN + [f"optimizer.gn_damping={damping}"], runs)
        print("grouped newton", damping, tried[damping] and tried[damping]["final_train_loss"], file=sys.stderr)
    best = min((d for d in tried if tried[d]), key=lambda d: tried[d]["final_train_loss"])
    gn_label = f"grouped Newton, damping = {best}"
    results[gn_label] = tried[best]
    results[gn_label]["grid"] = {d: (tried[d]["final_train_loss"] if tried[d] else None) for d in tried}

    table = ["| optimizer (best of its grid) | final training loss | validation accuracy | test accuracy | grid: final training loss |",
             "|---|---|---|---|---|"]
    for label, r in results.items():
        grid = ", ".join(f"{k}: {'diverged' if v is None else f'{v:.3f}'}" for k, v in r["grid"].items())
        table.append(f"| {label} | {r['final_train_loss']:.4f} | {100 * r['validation_accuracy']:.2f}% | "
                     f"{100 * r['test_accuracy']:.2f}% | {grid} |")
    open(os.path.join(out_dir, "grouped-newton-results.md"), "w").write("\n".join(table) + "\n")
    json.dump(results, open(os.path.join(out_dir, "grouped-newton-results.json"), "w"), indent=1)
    loss_figure = {"title": "Training loss per epoch",
                   "x_label": "epoch", "y_label": "training cross-entropy", "x_log": False, "y_log": True,
                   "panels": [{"title": "", "series": [
                       {"name": label, "x": [e for e, _ in r["train_loss"]], "y": [l for _, l in r["train_loss"]]}
                       for label, r in results.items()]}]}
    json.dump(loss_figure, open(os.path.join(out_dir, "figures/grouped-newton-loss.json"), "w"), indent=1)
    gn = results[gn_label]["grouped_newton"]
    names = gn[0]["subsets"]
    rate_figure = {"title": "Grouped Newton: per-tensor learning rates (damping · η) at each refresh",
                   "x_label": "step", "y_label": "learning rate", "x_log": False, "y_log": True,
                   "panels": [{"title": "weights", "series": [
                       {"name": n, "x": [r["step"] for r in gn if r["lr"][i] is not None and r["lr"][i] > 0],
                        "y": [r["lr"][i] for r in gn if r["lr"][i] is not None and r["lr"][i] > 0]}
                       for i, n in enumerate(names) if n.endswith("weight")]},
                       {"title": "biases", "series": [
                       {"name": n, "x": [r["step"] for r in gn if r["lr"][i] is not None and r["lr"][i] > 0],
                        "y": [r["lr"][i] for r in gn if r["lr"][i] is not None and r["lr"][i] > 0]}
                       for i, n in enumerate(names) if n.endswith("bias")]}]}
    json.dump(rate_figure, open(os.path.join(out_dir, "figures/grouped-newton-rates.json"), "w"), indent=1)
    print("\n".join(table))


main()
