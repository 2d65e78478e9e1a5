"""Sample quality of our digit recipes against PyTorch-GAN's, side by side.

For each pair (`dcgan`: our `dcgan_digits` recipe against PyTorch-GAN's
`dcgan`; `gan`: `gan_digits` against PyTorch-GAN's MLP `gan`) both sides
train on the same 5000 embedded digits (`keras_gans.data.load_digits_sample`)
for the same number of steps — our recipe's (its epochs x its steps per
epoch; the peers use their batch 64) — and each side's samples are scored
every `--every` of our epochs by the same judge and protocol as our
recipes (`keras_gans.presets.recipe_evaluation`'s digit report): the shipped
digit classifier's confident fraction and class entropy of 1000 samples,
and the digit FD of 2500 samples against the first 2500 embedded digits,
also as a multiple of real vs real. The peers are our own PyTorch code
(`torch_quality.py`, bench environment only: torch is never a dependency of
keras_gans). Our side trains first, one process at a time, so the two
clocks (training seconds, evaluation excluded) compare; the peer runs on
past our step count until its training time reaches ours, for the
equal-wall-time row.

Writes `<out>.json` and `<out>.png` (digit FD and confident fraction
against training seconds, both sides) and prints the JSON.

    python bench/peers/quality.py --out bench/results/peers_quality
    python bench/peers/quality.py --models dcgan --epochs 10 --every 5 \\
        --out /tmp/pq        # a short run
"""

import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the checkout's keras_gans
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans import data, devices, evaluation, metrics, presets  # noqa: E402
from keras_gans.presets import recipe_evaluation  # noqa: E402

sys.path.insert(0, str(HERE.parent))  # bench/
from train_throughput import matmul_gflops  # noqa: E402

PAIRS = {"dcgan": "dcgan_digits", "gan": "gan_digits"}
PEER_BATCH = 64


def log(message):
    print(f"[peers.quality] {message}", file=sys.stderr, flush=True)


def score(images):
    """The digit report of our recipes for an array of samples: confident
    fraction and class entropy of the first 1000, digit FD of all 2500."""
    report = metrics.digit_report(images[:1000])
    real, _ = evaluation.digit_reference()
    fd = evaluation.evaluate(images, real, ["digit_fd"], len(real), seed=1)
    figures = {
        "confident_fraction": float(report["confident_fraction"]),
        "class_entropy": float(report["class_entropy"]),
        "digit_fd": float(fd["digit_fd"]),
    }
    ratio = figures["digit_fd"] / recipe_evaluation.real_vs_real_digit_fd()
    figures["digit_fd_ratio"] = round(ratio, 3)
    return figures


class Checkpoints(keras.callbacks.Callback):
    """Scores our model every `every` epochs (the clock stops meanwhile)."""

    def __init__(self, every, steps_per_epoch, record):
        super().__init__()
        self.every, self.steps_per_epoch, self.record = every, steps_per_epoch, record
        self.seconds = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self.start
        if (epoch + 1) % self.every:
            return
        figures = score(self.model.generate(2500, seed=1))
        step = (epoch + 1) * self.steps_per_epoch
        self.record.append({"step": step, "train_seconds": self.seconds, **figures})
        log(f"ours, step {step}: {figures}")


def train_ours(name, epochs, every):
    recipe = presets.get(name)["recipe"]
    keras.utils.set_random_seed(recipe["seed"])
    dataset, _ = presets.build_dataset(recipe)
    model = presets.build(name, recipe=recipe)
    steps_per_epoch = int(dataset.cardinality())
    record = []
    model.fit(
        dataset,
        epochs=epochs,
        shuffle=False,
        verbose=0,
        callbacks=[Checkpoints(every, steps_per_epoch, record)],
    )
    return record, recipe["batch_size"], steps_per_epoch


def train_peer(model, checkpoints, torch_python, wall_seconds, threads):
    """Runs `torch_quality.py` to the last checkpoint, then on in chunks
    of one checkpoint interval until its training time passes ours."""
    digits, _ = data.load_digits_sample()
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        np.save(f"{tmp}/digits.npy", digits)
        interval = checkpoints[1] - checkpoints[0] if len(checkpoints) > 1 else 0
        marks = list(checkpoints)
        # Enough extra marks to pass our wall time at up to 4x our time per step.
        marks += [checkpoints[-1] + interval * k for k in range(1, 3 * len(marks))]
        command = [
            torch_python,
            str(HERE / "torch_quality.py"),
            "--model",
            model,
            "--digits",
            f"{tmp}/digits.npy",
            "--out",
            tmp,
            "--threads",
            str(threads),
            "--checkpoints",
            *map(str, marks),
        ]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
            for line in proc.stdout:
                mark = json.loads(line)
                figures = score(np.load(mark["path"]))
                records.append(
                    {"step": mark["step"], "train_seconds": mark["train_seconds"]}
                    | figures
                )
                log(f"peer {model}, step {mark['step']}: {figures}")
                if mark["step"] >= checkpoints[-1] and (
                    mark["train_seconds"] >= wall_seconds or not interval
                ):
                    proc.terminate()
                    break
    return records


def summary(ours, peer):
    """The rows of the table: equal steps, and the peer's first checkpoint
    at or past our training time."""
    last = ours[-1]
    same_steps = next(r for r in peer if r["step"] == last["step"])
    later = [r for r in peer if r["train_seconds"] >= last["train_seconds"]]
    same_wall = later[0] if later else peer[-1]
    return {"ours": last, "peer_same_steps": same_steps, "peer_same_wall": same_wall}


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name, result in results.items():
        for side, style in (("ours", "-o"), ("peer", "--s")):
            rows = result[side]
            seconds = [r["train_seconds"] for r in rows]
            label = f"{PAIRS[name] if side == 'ours' else 'PyTorch-GAN ' + name}"
            axes[0].plot(
                seconds, [r["digit_fd_ratio"] for r in rows], style, label=label
            )
            axes[1].plot(seconds, [r["confident_fraction"] for r in rows], style)
    axes[0].set(
        xlabel="training seconds", ylabel="digit FD / real vs real", yscale="log"
    )
    axes[0].axhline(2.0, color="grey", lw=0.8)
    axes[1].set(xlabel="training seconds", ylabel="confident fraction (>= 0.9)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", choices=sorted(PAIRS), default=["dcgan", "gan"]
    )
    parser.add_argument("--epochs", type=int, help="our epochs (default: the recipe's)")
    parser.add_argument("--every", type=int, default=10, help="score every N epochs")
    parser.add_argument("--torch-python", default=sys.executable)
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads")
    parser.add_argument("--out", default="bench/results/peers_quality")
    args = parser.parse_args(argv)
    results = {}
    for name in args.models:
        epochs = args.epochs or presets.get(PAIRS[name])["recipe"]["epochs"]
        if epochs < args.every:
            parser.error(f"--epochs ({epochs}) must be >= --every ({args.every})")
        log(f"ours: {PAIRS[name]}, {epochs} epochs")
        ours, batch, steps_per_epoch = train_ours(PAIRS[name], epochs, args.every)
        # The peer's steps at our checkpoints: the same number of updates.
        checkpoints = [r["step"] for r in ours]
        peer = train_peer(
            name,
            checkpoints,
            args.torch_python,
            ours[-1]["train_seconds"],
            args.threads,
        )
        results[name] = {
            "ours": ours,
            "peer": peer,
            "our_batch": batch,
            "peer_batch": PEER_BATCH,
            "summary": summary(ours, peer),
        }
    report = {
        "date": datetime.date.today().isoformat(),
        "command": " ".join(sys.argv),
        "machine": devices.describe_machine(),
        "matmul_gflops": round(max(matmul_gflops([1024]).values()), 1),
        "real_vs_real_digit_fd": recipe_evaluation.real_vs_real_digit_fd(),
        "results": results,
    }
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1))
    plot(results, out.with_suffix(".png"))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
