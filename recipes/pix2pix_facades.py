"""Pix2Pix on CMP Facades: architectural label maps -> photos, the paper's settings.

Trains `Pix2Pix` (Isola et al. 2017) on the official pix2pix `facades`
archive (400 training pairs of 256x256 photo|labels) in the paper's
direction, labels -> photo (`--direction BtoA`), with the paper's facades
settings: 200 epochs, batch 1, λ = 100, random jitter (resize to 286, random
256 crop, random mirror), Adam(2e-4, β1=0.5), U-Net-256 G with dropout,
70x70 PatchGAN D. Normalisation: instance norm, which is what the paper's
BatchNorm computes at batch size 1 both in training and at test time (the
paper normalises with the test batch's statistics); `--normalization batch`
uses Keras BatchNorm (moving statistics at test time).

Writes to `--out`: input | translated | target grids of 4 validation pairs per
epoch, loss curves, `model.keras`, the translator as a SavedModel
(`serving_default`: `image` -> `images`, deterministic; see `Pix2Pix` on
test-time dropout) and `metrics.json` with the validation mean L1 (pixels
in [0, 1]).

`--data-dir` is a downloaded copy (the folder that holds `train/` and
`val/`); without it the archive is downloaded with
`keras_gans.pairs.download_pix2pix_dataset("facades")` (about 30 MB).

    python recipes/pix2pix_facades.py --data-dir ~/data/facades --out runs/facades
"""

import json
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans import callbacks, pairs, runner  # noqa: E402
from keras_gans.models import Pix2Pix  # noqa: E402

CONFIG = dict(
    epochs=200,
    batch_size=1,
    seed=20161121,
    out="runs/pix2pix_facades",
    direction="BtoA",
    image_size=256,
    load_size=286,
    generator_filters=64,
    discriminator_filters=64,
    n_layers=3,
    normalization="instance",
    l1_weight=100.0,
    loss="non_saturating",
    num_grid_pairs=4,
)


def _split_dir(root, names):
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            return path
    raise ValueError(
        f"`--data-dir` must hold a {' or '.join(names)} folder of A|B images. "
        f"Received: {root!r}"
    )


def evaluate_fn(val_dir, args):
    def evaluate(model):
        """Mean L1 (pixels in [0, 1]) of the translated validation pairs."""
        ds = pairs.pix2pix_folder_dataset(
            val_dir,
            args.direction,
            image_size=args.image_size,
            jitter=False,
            batch_size=8,
            shuffle=False,
            drop_remainder=False,
        )
        total, count = 0.0, 0
        for inputs, targets in ds:
            translated = model.translate(inputs)
            total += float(np.sum(np.abs(translated - targets.numpy()))) / 2
            count += int(np.prod(targets.shape))
        return {"val_l1": round(total / count, 5), "num_val": count // int(np.prod(targets.shape[1:]))}

    return evaluate


def main(argv=None):
    parser = runner.recipe_parser(__doc__.splitlines()[0], CONFIG)
    parser.add_argument("--direction", default=CONFIG["direction"], choices=pairs.DIRECTIONS)
    for name in ("image_size", "load_size", "generator_filters", "discriminator_filters", "n_layers"):
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=CONFIG[name])
    parser.add_argument("--l1-weight", type=float, default=CONFIG["l1_weight"])
    parser.add_argument(
        "--normalization", default=CONFIG["normalization"], choices=("batch", "instance")
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        raise ValueError(f"`--epochs` must be >= 1. Received: {args.epochs}")
    if args.tfds:
        raise ValueError("`--tfds` is not used by this recipe; see `--data-dir`.")
    root = args.data_dir or pairs.download_pix2pix_dataset("facades")
    train_dir = _split_dir(root, ("train",))
    val_dir = _split_dir(root, ("val", "test"))
    keras.utils.set_random_seed(args.seed)
    dataset = pairs.pix2pix_folder_dataset(
        train_dir,
        args.direction,
        image_size=args.image_size,
        load_size=args.load_size,
        batch_size=args.batch_size,
        seed=args.seed,
    )
    with runner.strategy_for_recipe(args).scope():
        model = Pix2Pix(
            image_size=args.image_size,
            input_channels=3,
            output_channels=3,
            generator_filters=args.generator_filters,
            discriminator_filters=args.discriminator_filters,
            n_layers=args.n_layers,
            normalization=args.normalization,
            l1_weight=args.l1_weight,
            seed=args.seed,
        )
        model.compile(loss=CONFIG["loss"])
    val = pairs.pix2pix_folder_dataset(
        val_dir,
        args.direction,
        image_size=args.image_size,
        jitter=False,
        batch_size=CONFIG["num_grid_pairs"],
        shuffle=False,
        drop_remainder=False,
    )
    grid_inputs, grid_targets = next(iter(val))
    grid = callbacks.TranslationGrid(
        pathlib.Path(args.out) / "samples", grid_inputs, grid_targets
    )
    results = runner.fit_and_export(
        model,
        dataset,
        args.out,
        args.epochs,
        batch_size=args.batch_size,
        evaluate=evaluate_fn(val_dir, args),
        steps_per_epoch=args.steps_per_epoch,
        sample_grid=grid,
        eval_every=args.eval_every,
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
