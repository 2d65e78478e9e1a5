"""Time to compute the sample metrics for N 28x28 digits (default 10,000), as JSON.

The real set is the 5000 embedded digits repeated (the copy shifted by one
pixel) up to N; the generated set is the same digits shifted by two pixels
with a little noise (contents do not change the timings). Timed, on N real
and N generated images:

- `evaluate_all_seconds`: one `keras_gans.evaluate` call with every digit
  metric (`digit_fd`, `digit_kid`, `digit_precision_recall`, `digit_score`,
  `class_entropy`): both feature passes included; the number the evaluation
  issue asks to keep under 60 s on 2 CPU cores.
- `evaluate_fd_seconds`: the same with `digit_fd` only.
- the parts, on precomputed features: `features_seconds` (the classifier
  over 2N images), `fd_seconds`, `kid_seconds` (100 subsets of 1000),
  `precision_recall_seconds` (k=3), `inception_score_seconds`.
- `generate_seconds`: drawing N digits from the cGAN recipe's (untrained)
  generator, for scale.

    python bench/metrics_speed.py
    python bench/metrics_speed.py --num 2000      # smoke run
"""

import argparse
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gans  # noqa: E402
from keras_gans import data, metrics  # noqa: E402
from keras_gans.models import ConditionalGAN  # noqa: E402

ALL_DIGIT_METRICS = [
    "digit_fd",
    "digit_kid",
    "digit_precision_recall",
    "digit_score",
    "class_entropy",
]


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - start, 2)


def digit_sets(num):
    images, _ = data.load_digits_sample()
    copies = -(-num // len(images))
    real = np.concatenate([np.roll(images, i, axis=2) for i in range(copies)])[:num]
    rng = np.random.default_rng(0)
    noise = rng.integers(-20, 20, real.shape)
    fake = np.clip(np.roll(real, 2, axis=1).astype(np.int16) + noise, 0, 255)
    return real, fake.astype(np.uint8)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=10000, help="images per set")
    args = parser.parse_args(argv)
    real, fake = digit_sets(args.num)
    extractor = metrics.DigitFeatures()
    extractor(real[:10])  # build the predict function outside the timings
    results = {
        "num_images_per_set": args.num,
        "cpu_count": os.cpu_count(),
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
    }
    values, results["evaluate_all_seconds"] = timed(
        lambda: keras_gans.evaluate(fake, real, ALL_DIGIT_METRICS, num_samples=args.num)
    )
    results["values"] = values
    _, results["evaluate_fd_seconds"] = timed(
        lambda: keras_gans.evaluate(fake, real, ["digit_fd"], num_samples=args.num)
    )
    (pair, results["features_seconds"]) = timed(
        lambda: (
            extractor.features_and_probabilities(real),
            extractor.features_and_probabilities(fake),
        )
    )
    (real_features, _), (fake_features, fake_probabilities) = pair
    _, results["fd_seconds"] = timed(
        lambda: metrics.frechet_distance(real_features, fake_features)
    )
    _, results["kid_seconds"] = timed(
        lambda: metrics.kernel_inception_distance(real_features, fake_features)
    )
    _, results["precision_recall_seconds"] = timed(
        lambda: metrics.precision_recall(real_features, fake_features)
    )
    _, results["inception_score_seconds"] = timed(
        lambda: metrics.inception_score(fake_probabilities)
    )
    keras.utils.set_random_seed(0)
    cgan = ConditionalGAN(
        num_classes=10,
        image_size=28,
        channels=1,
        architecture="conv",  # the cGAN recipe's model
        generator_filters=32,
        discriminator_filters=32,
        auxiliary_weight=1.0,
        latent_distribution="normal",
    )
    labels = np.arange(args.num) % 10
    cgan.generate(10, labels=labels[:10], seed=0)  # trace outside the timing
    _, results["generate_seconds"] = timed(
        lambda: cgan.generate(args.num, labels=labels, seed=0)
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
