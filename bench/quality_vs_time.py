"""Sample quality against training time of the digit recipes (GAN to PGGAN).

Trains each preset's model (`gan_digits`, `cgan_digits`, `dcgan_digits`,
`scgan_digits`, `pggan_digits`,
built by `keras_gans.presets.build` from the preset's recipe, on the 5000
embedded digits, with the recipe's schedule for the PGGAN) and after every
`--every` epochs runs the recipe's own evaluation
(`keras_gans.recipe_evaluation`: the digit FD of 2500 samples against the
first 2500 embedded digits, drawn with those digits' labels for the cGAN;
label accuracy for the cGAN; confident fraction and class entropy of 1000
samples for the DCGAN and the PGGAN, whose 32x32 samples are cropped to
28x28). The clock counts training only (evaluation runs after the epoch's
time is taken). Also measured once: the real-vs-real digit FD (the last
2500 embedded digits against the first 2500) and the issue's bar, 2x that
figure.

Writes `<out>.json` (everything below) and `<out>.png` (digit FD, log
scale, and the other figures against training seconds), and prints the JSON.

    python bench/quality_vs_time.py                              # all, recipe epochs
    python bench/quality_vs_time.py --models cgan --epochs 10
    python bench/quality_vs_time.py --epochs 25 10 --models cgan dcgan
    python bench/quality_vs_time.py --models cgan --every 5      # every 5th epoch
    python bench/quality_vs_time.py --epochs 1 --out /tmp/qvt    # smoke run

JSON: `{"date", "command", "machine", "real_vs_real_digit_fd", "bar_2x",
"models": {name: {"epochs": [0, 1, ...], "train_seconds": [...],
"digit_fd": [...], "label_accuracy" | "confident_fraction",
"class_entropy": [...], "eval_seconds": [...], "config": {...}}}}`;
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

from keras_gans import (  # noqa: E402
    data,
    devices,
    evaluation,
    metrics,
    presets,
    recipe_evaluation,
)

PRESETS = {
    "gan": "gan_digits",
    "cgan": "cgan_digits",
    "dcgan": "dcgan_digits",
    "pggan": "pggan_digits",
    "scgan": "scgan_digits",
}
#: The figures each bench model records, from its recipe's evaluation.
FIGURES = {
    "cgan": ("digit_fd", "label_accuracy"),
    "dcgan": ("digit_fd", "confident_fraction", "class_entropy"),
    "scgan": ("digit_fd", "confident_fraction", "class_entropy"),
    "gan": ("digit_fd", "confident_fraction", "class_entropy"),
    "pggan": ("digit_fd", "confident_fraction", "class_entropy", "resolution"),
}


def log(message):
    print(f"[quality_vs_time] {message}", file=sys.stderr, flush=True)


def recipe(name):
    """The preset recipe behind the bench name (`cgan` -> `cgan_digits`)."""
    return presets.get(PRESETS[name])["recipe"]


def build(name, recipe):
    """The model, dataset and evaluation context of a preset, as
    `runner.run_preset` builds them."""
    keras.utils.set_random_seed(recipe["seed"])
    dataset, context = presets.build_dataset(recipe)
    model = presets.build(PRESETS[name], recipe=recipe)
    return model, dataset, context


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


class RecipeEvaluation(keras.callbacks.Callback):
    """The recipe's evaluation after every `every`-th epoch (after the clock)."""

    def __init__(self, evaluate, figures, every, clock, record):
        super().__init__()
        self.evaluate, self.figures, self.every = evaluate, figures, every
        self.clock, self.record = clock, record

    def measure(self, epoch):
        start = time.perf_counter()
        report = self.evaluate(self.model)
        self.record["epochs"].append(epoch)
        self.record["train_seconds"].append(
            self.clock.at_epoch_end[epoch - 1] if epoch else 0.0
        )
        self.record["eval_seconds"].append(round(time.perf_counter() - start, 2))
        for key in self.figures:
            self.record.setdefault(key, []).append(report.get(key))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.measure(epoch + 1)
            log(
                f"epoch {epoch + 1}: { ({k: self.record[k][-1] for k in self.figures}) }"
            )


def run(name, epochs, every=1):
    config = recipe(name)
    model, dataset, context = build(name, config)
    record = {"epochs": [], "train_seconds": [], "eval_seconds": [], "config": config}
    clock = TrainClock()
    evaluate = recipe_evaluation.make_evaluation(config["evaluation"], context)
    evaluator = RecipeEvaluation(evaluate, FIGURES[name], every, clock, record)
    evaluator.set_model(model)
    evaluator.measure(0)  # the untrained model
    schedule, steps_per_epoch = presets.schedule_callbacks(
        config, model, "/tmp/quality_vs_time_phases"
    )
    log(f"{name}: {epochs} epochs, config {config}")
    model.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,
        verbose=2,
        callbacks=[clock, *schedule, evaluator],
    )
    log(f"{name}: final { ({k: record[k][-1] for k in FIGURES[name]}) }")
    return record


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    others = sorted(
        {k for name in results["models"] for k in FIGURES[name] if k != "digit_fd"}
        - {"resolution"}
    )
    fig, axes = plt.subplots(
        1, 1 + len(others), figsize=(5 * (1 + len(others)), 4), squeeze=False
    )
    ax = axes[0, 0]
    for name, record in results["models"].items():
        ax.plot(record["train_seconds"], record["digit_fd"], "o-", ms=3, label=name)
    ax.axhline(
        results["real_vs_real_digit_fd"], color="k", ls="--", label="real vs real"
    )
    ax.axhline(results["bar_2x"], color="grey", ls=":", label="2x real vs real")
    ax.set_yscale("log")
    ax.set_xlabel("training seconds")
    ax.set_ylabel("digit FD (2500 vs 2500)")
    ax.legend()
    for ax, key in zip(axes[0, 1:], others):
        for name, record in results["models"].items():
            if key in record:
                ax.plot(record["train_seconds"], record[key], "o-", ms=3, label=name)
        ax.set_title(key)
        ax.set_xlabel("training seconds")
        ax.legend()
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
    real, _ = evaluation.digit_reference()
    others, _ = data.load_digits_sample()
    others = others[evaluation.DIGIT_REFERENCE_SIZE :]
    real_vs_real = metrics.digit_frechet_distance(real, others)
    results = {
        "date": datetime.date.today().isoformat(),
        "command": " ".join(
            ["python", "bench/quality_vs_time.py", *(argv or sys.argv[1:])]
        ),
        "machine": devices.describe_machine(),
        "real_vs_real_digit_fd": real_vs_real,
        "bar_2x": 2 * real_vs_real,
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
        results["models"][name] = run(name, epochs, args.every)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    plot(results, out.with_suffix(".png"))
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
