"""Sample quality against training time for the cGAN and DCGAN digit recipes.

Trains each preset's model (`cgan_digits`, `dcgan_digits`, built by
`keras_gans.presets.build` from the preset's recipe, on the 5000 embedded
digits) and after every epoch measures the
digit FD (`keras_gans.evaluation`: 2500 samples against the first 2500
embedded digits; for the cGAN drawn with those digits' labels) and, for the
cGAN, the label accuracy of the same samples. The clock counts training only
(evaluation runs after the epoch's time is taken). Also measured once: the
real-vs-real digit FD (the last 2500 embedded digits against the first 2500)
and the bar of the evaluation issue, 3x that figure.

Writes `<out>.json` (everything below) and `<out>.png` (digit FD, log
scale, and label accuracy against training seconds), and prints the JSON.

    python bench/quality_vs_time.py                              # both, recipe epochs
    python bench/quality_vs_time.py --models cgan --epochs 10
    python bench/quality_vs_time.py --epochs 25 10               # cgan 25, dcgan 10
    python bench/quality_vs_time.py --models cgan --every 5      # every 5th epoch
    python bench/quality_vs_time.py --epochs 1 --out /tmp/qvt    # smoke run

JSON: `{"date", "command", "real_vs_real_digit_fd", "bar_3x", "models":
{name: {"epochs": [0, 1, ...], "train_seconds": [...], "digit_fd": [...],
"label_accuracy": [...] (cGAN), "eval_seconds": [...], "config": {...}}}}`;
epoch 0 is the untrained model.
"""

import argparse
import datetime
import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # checkout
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_gans import callbacks, data, evaluation, metrics, presets  # noqa: E402

PRESETS = {"cgan": "cgan_digits", "dcgan": "dcgan_digits"}


def log(message):
    print(f"[quality_vs_time] {message}", file=sys.stderr, flush=True)


def recipe(name):
    """The preset recipe behind the bench name (`cgan` -> `cgan_digits`)."""
    return presets.get(PRESETS[name])["recipe"]


def build(name, recipe):
    """The model and dataset of a preset, as `runner.run_preset` builds them."""
    keras.utils.set_random_seed(recipe["seed"])
    dataset, _ = presets.build_dataset(recipe)
    model = presets.build(PRESETS[name], recipe=recipe)
    return model, dataset


class TrainClock(keras.callbacks.Callback):
    """Cumulative training seconds at the end of each epoch (first in the list)."""

    def __init__(self):
        super().__init__()
        self.total = 0.0
        self.at_epoch_end = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.total += time.perf_counter() - self._start
        self.at_epoch_end.append(round(self.total, 2))


def run(name, epochs, real, real_labels, every=1):
    config = recipe(name)
    model, dataset = build(name, config)
    names = ["digit_fd", "label_accuracy"] if name == "cgan" else ["digit_fd"]
    labels = real_labels if name == "cgan" else None
    evaluate = callbacks.Evaluate(
        real,
        names,
        num_samples=len(real),
        labels=labels,
        seed=1,
        prefix="",
        every=every,
    )
    record = {"epochs": [0], "train_seconds": [0.0], "config": config}
    untrained = evaluate.evaluator(model)  # epoch 0 (also reads the real side)
    for key, value in untrained.items():
        record[key] = [value]
    record["eval_seconds"] = [round(evaluate.evaluator.last_seconds, 2)]
    clock = TrainClock()
    log(f"{name}: {epochs} epochs, config {config}")
    model.fit(
        dataset, epochs=epochs, shuffle=False, verbose=2, callbacks=[clock, evaluate]
    )
    record["epochs"] += evaluate.history["epoch"]
    record["train_seconds"] += [
        clock.at_epoch_end[epoch - 1] for epoch in evaluate.history["epoch"]
    ]
    record["eval_seconds"] += [round(s, 2) for s in evaluate.history["seconds"]]
    for key in untrained:
        record[key] += evaluate.history[key]
    log(f"{name}: final { ({k: record[k][-1] for k in untrained}) }")
    return record


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    has_accuracy = any("label_accuracy" in r for r in results["models"].values())
    fig, axes = plt.subplots(
        1,
        2 if has_accuracy else 1,
        figsize=(11 if has_accuracy else 6, 4),
        squeeze=False,
    )
    ax = axes[0, 0]
    for name, record in results["models"].items():
        ax.plot(record["train_seconds"], record["digit_fd"], "o-", ms=3, label=name)
    ax.axhline(
        results["real_vs_real_digit_fd"], color="k", ls="--", label="real vs real"
    )
    ax.axhline(results["bar_3x"], color="grey", ls=":", label="3x real vs real")
    ax.set_yscale("log")
    ax.set_xlabel("training seconds")
    ax.set_ylabel("digit FD (2500 vs 2500)")
    ax.legend()
    if has_accuracy:
        ax = axes[0, 1]
        for name, record in results["models"].items():
            if "label_accuracy" in record:
                ax.plot(record["train_seconds"], record["label_accuracy"], "o-", ms=3)
                ax.set_title(f"{name}: label accuracy")
        ax.set_xlabel("training seconds")
        ax.set_ylim(0, 1.02)
    fig.suptitle(f"quality vs time, {results['date']}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", choices=sorted(PRESETS), default=["cgan", "dcgan"]
    )
    parser.add_argument(
        "--epochs",
        type=int,
        nargs="+",
        default=None,
        help="epochs, one for all models or one per model in --models order "
        "(default: each recipe's)",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="evaluate after every N-th epoch",
    )
    parser.add_argument(
        "--out",
        default="bench/results/quality_vs_time",
        help="writes OUT.json, OUT.png",
    )
    args = parser.parse_args(argv)
    real, real_labels = evaluation.digit_reference()
    others, _ = data.load_digits_sample()
    others = others[evaluation.DIGIT_REFERENCE_SIZE :]
    real_vs_real = metrics.digit_frechet_distance(real, others)
    results = {
        "date": datetime.date.today().isoformat(),
        "command": " ".join(
            ["python", "bench/quality_vs_time.py", *(argv or sys.argv[1:])]
        ),
        "cpu_count": os.cpu_count(),
        "real_vs_real_digit_fd": real_vs_real,
        "bar_3x": 3 * real_vs_real,
        "models": {},
    }
    epochs_list = args.epochs or [None]
    if len(epochs_list) == 1:
        epochs_list = epochs_list * len(args.models)
    if len(epochs_list) != len(args.models):
        parser.error("give one --epochs value, or one per model")
    epochs_list = [
        epochs or recipe(name)["epochs"]
        for name, epochs in zip(args.models, epochs_list)
    ]
    for name, epochs in zip(args.models, epochs_list):
        if args.every < 1 or epochs % args.every:
            parser.error(
                f"--every must be >= 1 and divide {name}'s {epochs} epochs, so "
                f"that the last epoch is measured. Received: --every {args.every}"
            )
    for name, epochs in zip(args.models, epochs_list):
        results["models"][name] = run(name, epochs, real, real_labels, args.every)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    plot(results, out.with_suffix(".png"))
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
