"""Pix2Pix on the embedded paired digits: edge maps -> digits.

Trains `Pix2Pix` (Isola et al. 2017) on the embedded paired task of
`keras_gans.pairs.digit_pairs`: binary Sobel edge maps of the 4000 training
digits (padded to 32x32) translated to the grey digits, no network needed.
Writes to `--out`: input | translated | target grids of 16 held-out pairs per
epoch, loss curves, `model.keras`, the translator as a SavedModel
(`serving_default`: `image` -> `images`), and `metrics.json` with the
held-out mean L1 (pixels in [0, 1]) and the fraction of the 1000 held-out
translations that the shipped digit classifier reads as their true digit.

The paper's objective and optimiser: cGAN + λ·L1 with λ = 100, D's loss
halved, Adam(2e-4, β1=0.5), U-Net G with dropout, PatchGAN D on
concat(input, output). Scaled to 32x32 digits on a CPU: a 5-block U-Net
(1x1 bottleneck) with `--generator-filters 32` (the paper: 64), a PatchGAN
with `n_layers=1` (16x16 patches, half the image, as 70x70 is about a
quarter of 256x256 in the paper), and batch 32 with BatchNorm instead of
the paper's batch 1 (a CPU step costs about the same at batch 1 and 32).

    python recipes/pix2pix_digits.py --out runs/pix2pix_digits
"""

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans import callbacks, data, metrics, pairs, runner  # noqa: E402
from keras_gans.models import Pix2Pix  # noqa: E402

CONFIG = dict(
    epochs=6,
    batch_size=32,
    seed=20170321,
    out="runs/pix2pix_digits",
    image_size=32,
    generator_filters=32,
    discriminator_filters=32,
    n_layers=1,
    normalization="batch",
    l1_weight=100.0,
    loss="non_saturating",
    jit_compile=False,
)


def held_out_pairs():
    """The 1000 held-out `(edges, digits, labels)`, images in [-1, 1]."""
    edges, digits, labels = pairs.digit_pairs("test", pad_to=CONFIG["image_size"])
    to_float = lambda x: keras.ops.convert_to_numpy(data.to_unit_range(x))  # noqa: E731
    return to_float(edges), to_float(digits), labels


def evaluate(model):
    """Held-out mean L1 in [0, 1] pixel units and digit-classifier accuracy."""
    edges, digits, labels = held_out_pairs()
    translated = model.translate(edges)
    crop = (CONFIG["image_size"] - 28) // 2
    centre = translated[:, crop : crop + 28, crop : crop + 28]
    return {
        "heldout_l1": round(float(np.mean(np.abs(translated - digits)) / 2), 5),
        "heldout_accuracy": round(float(metrics.label_accuracy(centre, labels)), 4),
        "num_heldout": int(len(labels)),
    }


def main(argv=None):
    parser = runner.recipe_parser(__doc__.splitlines()[0], CONFIG)
    parser.add_argument(
        "--generator-filters", type=int, default=CONFIG["generator_filters"]
    )
    parser.add_argument(
        "--discriminator-filters", type=int, default=CONFIG["discriminator_filters"]
    )
    parser.add_argument("--n-layers", type=int, default=CONFIG["n_layers"])
    parser.add_argument("--l1-weight", type=float, default=CONFIG["l1_weight"])
    parser.add_argument(
        "--normalization", default=CONFIG["normalization"], choices=("batch", "instance")
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        raise ValueError(f"`--epochs` must be >= 1. Received: {args.epochs}")
    if args.tfds:
        raise ValueError("`--tfds` is not used by this recipe (embedded pairs only).")
    keras.utils.set_random_seed(args.seed)
    dataset = pairs.digit_pairs_dataset(
        batch_size=args.batch_size, subset="train", seed=args.seed
    )
    with runner.strategy_for_recipe(args).scope():
        model = Pix2Pix(
            image_size=CONFIG["image_size"],
            input_channels=1,
            output_channels=1,
            generator_filters=args.generator_filters,
            discriminator_filters=args.discriminator_filters,
            n_layers=args.n_layers,
            normalization=args.normalization,
            l1_weight=args.l1_weight,
            seed=args.seed,
        )
        model.compile(loss=CONFIG["loss"], jit_compile=CONFIG["jit_compile"])
    edges, digits, _ = held_out_pairs()
    grid = callbacks.TranslationGrid(
        pathlib.Path(args.out) / "samples", edges[:16], digits[:16], groups=4
    )
    results = runner.fit_and_export(
        model,
        dataset,
        args.out,
        args.epochs,
        batch_size=args.batch_size,
        evaluate=evaluate,
        steps_per_epoch=args.steps_per_epoch,
        sample_grid=grid,
        eval_every=args.eval_every,
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
