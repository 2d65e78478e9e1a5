"""Discriminator augmentation on small data: none / DiffAugment / ADA, as JSON.

Trains the `cgan_digits` and `dcgan_digits` preset models (their recipes'
architecture and compile settings) on 500 embedded digits (10% of the
sample: the first 500 of the `"train"` subset) for the same wall-clock
budget each, with `compile(augment=None | "diffaugment" | ADA)`, then
reports the recipe's evaluation: the digit FD of 2500 samples against the
first 2500 embedded digits, and for the cGAN the label accuracy of 100
samples per class (the shipped digit classifier).

ADA's `p` adjusts every 4 updates toward r_t = 0.6 with `--ada-speed`
images for 0 -> 1 (the paper's 500k is far more than a run of a minute
sees; the default 10k lets `p` move within the budget).

    python bench/small_data_augment.py --seconds 75 > results.json
    python bench/small_data_augment.py --seconds 5 --models dcgan   # smoke run
"""

import argparse
import copy
import datetime
import json
import os
import pathlib
import platform
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_gans import data, presets, recipe_evaluation  # noqa: E402
from keras_gans.augment import AdaptiveAugment  # noqa: E402

PRESETS = {"cgan": "cgan_digits", "dcgan": "dcgan_digits"}


class _Budget(keras.callbacks.Callback):
    """Stops `fit` once `seconds` of training have passed; counts steps."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.steps = 0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = True


def _augment(name, ada_speed):
    if name == "ada":
        return AdaptiveAugment(speed_images=ada_speed)
    return None if name == "none" else name


def run(model_key, augment, seconds, num_images, ada_speed, seed=None, batch_size=64):
    name = PRESETS[model_key]
    recipe = presets.get(name)["recipe"]
    recipe = copy.deepcopy(recipe)
    if seed is not None:
        recipe["seed"] = seed
    keras.utils.set_random_seed(recipe["seed"])
    recipe["compile"]["augment"] = _augment(augment, ada_speed)
    model = presets.build(name, recipe=recipe)
    images, labels = data.load_digits_sample("train")
    images, labels = images[:num_images], labels[:num_images]
    with_labels = model.num_classes is not None
    ds = data.from_arrays(
        images, labels if with_labels else None, batch_size=batch_size, seed=0
    )
    budget = _Budget(seconds)
    start = time.perf_counter()
    history = model.fit(
        ds.repeat(), epochs=1, steps_per_epoch=10**7, verbose=0, callbacks=[budget]
    )
    train_seconds = time.perf_counter() - start
    evaluate = recipe_evaluation.make_evaluation(recipe["evaluation"])
    report = evaluate(model)
    result = {
        "model": name,
        "augment": augment,
        "seed": recipe["seed"],
        "train_seconds": round(train_seconds, 1),
        "steps": budget.steps,
        "images_seen": budget.steps * batch_size,
        "digit_fd": round(float(report["digit_fd"]), 2),
    }
    if "label_accuracy" in report:
        result["label_accuracy"] = round(float(report["label_accuracy"]), 3)
    if augment == "ada":
        result["ada_p"] = round(float(model.augment_pipeline.p), 3)
    result["final_logs"] = {
        k: round(float(v[-1]), 4) for k, v in history.history.items()
    }
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=75.0)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--ada-speed", type=int, default=10_000)
    parser.add_argument("--models", default="cgan,dcgan")
    parser.add_argument("--augments", default="none,diffaugment,ada")
    parser.add_argument("--seed", type=int, default=None, help="default: recipe's")
    args = parser.parse_args(argv)
    results = []
    for model_key in args.models.split(","):
        for augment in args.augments.split(","):
            results.append(
                run(
                    model_key,
                    augment,
                    args.seconds,
                    args.images,
                    args.ada_speed,
                    args.seed,
                )
            )
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "date": datetime.datetime.now().isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "seconds_per_run": args.seconds,
                "images": args.images,
                "ada_speed_images": args.ada_speed,
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
