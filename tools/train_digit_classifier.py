"""Train the digit classifier shipped as `keras_gans/assets/digit_classifier.keras`.

The classifier is the judge of the digit GAN recipes (`keras_gans.metrics`):
it reads generated digits, float `(n, 28, 28, 1)` in [-1, 1], and says which
class each one is. It is trained here on the 4000 `"train"` digits of the
embedded sample only; the 1000 `"test"` digits are never seen in training and
give the held-out accuracy printed at the end.

The network is small (about 0.14 M parameters, well under 1 MB on disk): five
3x3 conv blocks with BatchNorm (two at 28x28, two at 14x14, one at 7x7),
global average pooling and a softmax. Training
runs the digits through random shifts, rotations and zooms first, so that the
judge does not depend on the exact centring of MNIST; those augmentation
layers wrap the classifier only during training and are not in the saved
model, which holds standard Keras layers only (no custom objects).

Non-digits are a class of their own (a rejection class: outlier exposure,
Hendrycks et al. 2019, trains on outliers too, but with the uniform target,
which here made real digits unconfident): every epoch also shows the
network `--outlier-fraction` as many non-digits as digits
(`keras_gans.metrics.outliers`: noise, blurred noise blobs, blank images,
inverted and scrambled digits; nothing stroke-like, which taught the
judge to doubt real ones and sevens) as an 11th "not a
digit" class. The saved model returns the 10 digit probabilities of that
11-way softmax (a fixed, standard `Dense` selects them), so what is not a
digit reads with low confidence for every digit and a collapsed generator's
blobs cannot pass a confident-fraction bar. The printed JSON has the
confident fraction of fresh outliers of every kind (another seed) and of
the held-out digits.

Rerun (about 10 minutes on 2 CPU cores):
    python tools/train_digit_classifier.py
    python tools/train_digit_classifier.py --epochs 40 --seed 7 --out /tmp/clf.keras

Prints one JSON line: test accuracy, training seconds, parameter count, file size.
"""

import argparse
import json
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# Run from a checkout without installing the package.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans.data import load_digits_sample  # noqa: E402
from keras_gans.metrics import outliers  # noqa: E402

OUT = (
    pathlib.Path(__file__).resolve().parents[1]
    / "keras_gans/assets/digit_classifier.keras"
)
BACKGROUND = -1.0  # the value of an empty pixel once images are in [-1, 1]


def to_unit_range(images):
    """uint8 `(n, 28, 28)` → float32 `(n, 28, 28, 1)` in [-1, 1]."""
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def build_classifier():
    """`(with_rejection, classifier)`: the 11-way model (10 digits and "not
    a digit") that is trained, and the inference model sharing its layers,
    whose output `(n, 10)` is the 10 digit probabilities of that softmax
    (standard layers only)."""

    def conv_block(x, filters, padding="same"):
        x = keras.layers.Conv2D(filters, 3, padding=padding, use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        return keras.layers.ReLU()(x)

    inputs = keras.Input((28, 28, 1), name="image")
    x = conv_block(inputs, 32)  # (B, 28, 28, 32)
    x = conv_block(x, 32)  # (B, 28, 28, 32)
    x = keras.layers.MaxPooling2D()(x)  # (B, 14, 14, 32)
    x = conv_block(x, 64)  # (B, 14, 14, 64)
    x = conv_block(x, 64)  # (B, 14, 14, 64)
    x = keras.layers.MaxPooling2D()(x)  # (B, 7, 7, 64)
    x = conv_block(x, 128, padding="valid")  # (B, 5, 5, 128)
    x = keras.layers.GlobalAveragePooling2D()(x)  # (B, 128)
    x = keras.layers.Dropout(0.3)(x)
    eleven = keras.layers.Dense(11, activation="softmax", name="with_rejection")(x)
    select = keras.layers.Dense(
        10, use_bias=False, trainable=False, name="probabilities"
    )
    outputs = select(eleven)  # (B, 10): the digit classes of the 11-way softmax
    select.set_weights([np.eye(11, 10, dtype="float32")])
    trained = keras.Model(inputs, eleven, name="digit_classifier_with_rejection")
    return trained, keras.Model(inputs, outputs, name="digit_classifier")


def build_augmenter(seed):
    """Small random shifts, rotations and zooms, filled with background."""
    fill = dict(fill_mode="constant", fill_value=BACKGROUND)
    return keras.Sequential(
        [
            keras.layers.RandomRotation(0.04, seed=seed, **fill),  # about ±14 degrees
            keras.layers.RandomZoom(0.1, seed=seed + 1, **fill),
            keras.layers.RandomTranslation(0.1, 0.1, seed=seed + 2, **fill),
        ],
        name="augment",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument(
        "--outlier-fraction",
        type=float,
        default=0.5,
        help="non-digits per digit in training (0: digits only)",
    )
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error(f"--epochs must be >= 1. Received: {args.epochs}")

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()

    train_images, train_labels = load_digits_sample(subset="train")
    test_images, test_labels = load_digits_sample(subset="test")
    x_train, x_test = to_unit_range(train_images), to_unit_range(test_images)

    # Non-digits: every kind equally often, all of class 10 ("not a digit").
    count = int(round(args.outlier_fraction * len(x_train)))
    per_kind = -(-count // len(outliers.OUTLIER_KINDS)) if count else 0
    x_out = [
        outliers.outlier_images(kind, per_kind, seed=args.seed + i, digits=x_train)
        for i, kind in enumerate(outliers.OUTLIER_KINDS)
        if per_kind
    ]
    x_all = np.concatenate([x_train, *x_out])
    targets = np.concatenate(
        [train_labels, np.full(len(x_all) - len(x_train), 10)]
    ).astype("int64")

    with_rejection, classifier = build_classifier()
    trainer = keras.Sequential(
        [keras.Input((28, 28, 1)), build_augmenter(args.seed), with_rejection]
    )
    steps = args.epochs * int(np.ceil(len(x_all) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=steps)
    trainer.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
    )

    start = time.perf_counter()
    trainer.fit(
        x_all,
        targets,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        verbose=2,
    )
    train_seconds = time.perf_counter() - start

    # The saved model is the bare classifier: no augmentation, no optimizer.
    probabilities = classifier.predict(x_test, batch_size=500, verbose=0)
    test_accuracy = float(np.mean(probabilities.argmax(-1) == test_labels))
    train_probabilities = classifier.predict(x_train, batch_size=500, verbose=0)
    train_accuracy = float(np.mean(train_probabilities.argmax(-1) == train_labels))

    confident_on_outliers = {}
    for i, kind in enumerate(outliers.OUTLIER_KINDS):
        fresh = outliers.outlier_images(kind, 500, seed=10_000 + i, digits=x_test)
        p = classifier.predict(fresh, batch_size=500, verbose=0)
        confident_on_outliers[kind] = float(np.mean(p.max(-1) >= 0.9))
    test_confident = float(np.mean(probabilities.max(-1) >= 0.9))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    classifier.save(args.out)
    reloaded = keras.saving.load_model(args.out, compile=False)
    reload_gap = float(
        np.max(np.abs(reloaded.predict(x_test, verbose=0) - probabilities))
    )

    print(
        json.dumps(
            {
                "test_accuracy": test_accuracy,
                "train_accuracy": train_accuracy,
                "test_confident_fraction": test_confident,
                "outlier_confident_fraction": confident_on_outliers,
                "outlier_fraction": args.outlier_fraction,
                "train_seconds": round(train_seconds, 1),
                "epochs": args.epochs,
                "seed": args.seed,
                "parameters": classifier.count_params(),
                "file_bytes": args.out.stat().st_size,
                "reload_max_abs_diff": reload_gap,
                "out": str(args.out),
            }
        )
    )


if __name__ == "__main__":
    main()
