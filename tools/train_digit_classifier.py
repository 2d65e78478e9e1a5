"""Train the digit classifier shipped as `keras_gans/assets/digit_classifier.keras`.

The classifier is the judge of the digit GAN recipes (`keras_gans.metrics`):
it reads generated digits, float `(n, 28, 28, 1)` in [-1, 1], and says which
class each one is. It is trained here on the 4000 `"train"` digits of the
embedded sample only; the 1000 `"test"` digits are never seen in training and
give the held-out accuracy printed at the end.

The network is small (about 0.1 M parameters, well under 1 MB on disk): three
3x3 conv blocks with BatchNorm, global average pooling and a softmax. Training
runs the digits through random shifts, rotations and zooms first, so that the
judge does not depend on the exact centring of MNIST; those augmentation
layers wrap the classifier only during training and are not in the saved
model, which holds standard Keras layers only (no custom objects).

Rerun (about 1-2 minutes on 2 CPU cores):
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

OUT = (
    pathlib.Path(__file__).resolve().parents[1]
    / "keras_gans/assets/digit_classifier.keras"
)
BACKGROUND = -1.0  # the value of an empty pixel once images are in [-1, 1]


def to_unit_range(images):
    """uint8 `(n, 28, 28)` → float32 `(n, 28, 28, 1)` in [-1, 1]."""
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def build_classifier():
    """The inference model: standard layers only, softmax output `(n, 10)`."""

    def conv_block(x, filters, padding="same"):
        x = keras.layers.Conv2D(filters, 3, padding=padding, use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        return keras.layers.ReLU()(x)

    inputs = keras.Input((28, 28, 1), name="image")
    x = conv_block(inputs, 32)  # (B, 28, 28, 32)
    x = keras.layers.MaxPooling2D()(x)  # (B, 14, 14, 32)
    x = conv_block(x, 64)  # (B, 14, 14, 64)
    x = keras.layers.MaxPooling2D()(x)  # (B, 7, 7, 64)
    x = conv_block(x, 128, padding="valid")  # (B, 5, 5, 128)
    x = keras.layers.GlobalAveragePooling2D()(x)  # (B, 128)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digit_classifier")


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
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error(f"--epochs must be >= 1. Received: {args.epochs}")

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()

    train_images, train_labels = load_digits_sample(subset="train")
    test_images, test_labels = load_digits_sample(subset="test")
    x_train, x_test = to_unit_range(train_images), to_unit_range(test_images)

    classifier = build_classifier()
    trainer = keras.Sequential(
        [keras.Input((28, 28, 1)), build_augmenter(args.seed), classifier]
    )
    steps = args.epochs * int(np.ceil(len(x_train) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=steps)
    trainer.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    start = time.perf_counter()
    trainer.fit(
        x_train,
        train_labels,
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
