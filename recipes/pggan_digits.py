"""Progressive GAN on the embedded MNIST digits, growing 4 -> 8 -> 16 -> 32.

Trains `ProgressiveGAN` (Karras et al. 2018) on the 5000 digits that ship
with the package, padded with background to 32x32, so that a fresh machine
sees the whole schedule: 4x4, then 8x8, 16x16 and 32x32, each fading in and
then training stable (`ProgressiveSchedule`). Writes to `--out`: a sample
grid per phase at its resolution (`phases/`, fixed noise, EMA generator), a
grid per epoch (`samples/`), loss curves, a `BackupAndRestore` backup while
training (a killed run started again with the same `--out` resumes),
`model.keras`, the final EMA generator as a SavedModel, and `metrics.json`
with what the shipped digit classifier reads in 1000 samples (cropped back
to 28x28): class histogram entropy (ln 10 = 2.30 nats for ten equally
frequent digits) and the fraction it reads with confidence >= 0.9.

The paper's training: WGAN-GP (lambda 10) + drift 0.001, Adam(1e-3, 0, 0.99,
1e-8), PixelNorm, equalized learning rate, minibatch stddev (group 4),
normal latents, optimizer state reset at every phase change. Made small so
that the whole run takes minutes on two CPU cores: latent 128 (paper 512),
feature maps `min(256 / 2**stage, 64)` = 64, 64, 32, 16 at 4, 8, 16, 32
(paper: 512 up to 32x32), minibatch 16 up to 16x16 and 32 at 32x32
(paper: 16), and thousands of images per phase 20 at 4x4, 16 per fade-in,
40 stable at 8x8, 360 stable at 16x16, 60 for the last (paper: 800 each;
`--kimg-per-phase` sets one value for all), and an EMA decay of 0.99
instead of 0.999: with the phases this short, an average over the last
~1000 steps (0.999) would still hold much of the weights of the previous
resolution. The long 16x16 phase is where the time goes because it pays:
the digit shapes are settled at 16x16, and the classifier's confidence in
the final samples rose with the 16x16 phase's length (40: 0.54, 120: 0.69,
360: 0.75; see BENCHMARKS.md), more than with wider maps, larger
minibatches, other learning rates or a longer last phase.

    python recipes/pggan_digits.py --out runs/pggan_digits
    python recipes/pggan_digits.py --kimg-per-phase 4   # a quicker, rougher run
"""

import json
import math
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import callbacks, data, metrics, runner  # noqa: E402
from keras_gans.models import ProgressiveGAN  # noqa: E402

CONFIG = dict(
    epochs=8,  # the schedule is split into this many epochs
    batch_size=32,  # the largest minibatch; the dataset's batch
    # Minibatch per resolution (the paper's per-resolution minibatch sizes):
    # more, smaller steps where steps are cheap.
    batch_sizes={4: 16, 8: 16, 16: 16, 32: 32},
    seed=20180215,
    out="runs/pggan_digits",
    max_resolution=32,
    latent_dim=128,
    fmap_base=256,
    fmap_max=64,
    # Thousands of images: 4x4, each fade-in, the stable phases per
    # resolution, 32x32 stable.
    first_kimg=20.0,
    fade_kimg=16.0,
    stable_kimg={8: 40.0, 16: 360.0},
    final_kimg=60.0,
    ema_decay=0.99,
    jit_compile=False,  # slower on CPU (BENCHMARKS.md)
)
PAD = 2  # 28x28 digits padded to 32x32


def to_classifier_size(images):
    """Generated `(n, r, r, 1)` digits -> `(n, 28, 28, 1)`: nearest-upsample to
    32x32 when `r < 32` (runs stopped early), then crop the 2-pixel padding."""
    images = np.asarray(images)
    factor = 32 // images.shape[1]
    images = np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)
    return images[:, PAD:-PAD, PAD:-PAD, :]


def evaluate(model):
    """Classifier report of 1000 EMA samples, plus where training ended."""
    report = metrics.digit_report(to_classifier_size(model.generate(1000, seed=1)))
    report.update(
        resolution=model.resolution, alpha=model.alpha, images_seen=model.images_seen
    )
    return report


def digits(args):
    """32x32 digits in [-1, 1] (`(images,)` batches), repeated."""
    if args.tfds:
        ds = data.from_tfds(
            "mnist", batch_size=args.batch_size, seed=args.seed, data_dir=args.data_dir
        )
        pad = [[0, 0], [PAD, PAD], [PAD, PAD], [0, 0]]
        ds = ds.map(lambda x: (tf.pad(x, pad, constant_values=-1.0),))
    else:
        ds = data.digits_dataset(
            batch_size=args.batch_size, with_labels=False, seed=args.seed, pad_to=32
        )
    return ds.repeat()


def main(argv=None):
    parser = runner.recipe_parser(__doc__.splitlines()[0], CONFIG)
    parser.add_argument(
        "--kimg-per-phase",
        type=float,
        default=None,
        help="thousands of images per phase, the same for every phase "
        f"(default: {CONFIG['first_kimg']:g} at 4x4, {CONFIG['fade_kimg']:g} "
        "per fade-in, stable "
        + ", ".join(f"{k:g} at {r}x{r}" for r, k in CONFIG["stable_kimg"].items())
        + f", {CONFIG['final_kimg']:g} for the last)",
    )
    parser.add_argument("--fmap-base", type=int, default=CONFIG["fmap_base"])
    parser.add_argument("--fmap-max", type=int, default=CONFIG["fmap_max"])
    parser.add_argument("--latent-dim", type=int, default=CONFIG["latent_dim"])
    args = parser.parse_args(argv)
    if args.epochs < 1:
        raise ValueError(f"`--epochs` must be >= 1. Received: {args.epochs}")
    if args.kimg_per_phase is not None and not args.kimg_per_phase > 0:
        raise ValueError(
            f"`--kimg-per-phase` must be > 0. Received: {args.kimg_per_phase}"
        )
    keras.utils.set_random_seed(args.seed)
    with runner.strategy_for_recipe(args).scope():
        model = ProgressiveGAN(
            max_resolution=CONFIG["max_resolution"],
            channels=1,
            latent_dim=args.latent_dim,
            fmap_base=args.fmap_base,
            fmap_max=args.fmap_max,
            seed=args.seed,
        )
        model.compile(ema_decay=CONFIG["ema_decay"], jit_compile=CONFIG["jit_compile"])
    out = pathlib.Path(args.out)
    kimg = {
        k: args.kimg_per_phase or CONFIG[k]
        for k in ("first_kimg", "fade_kimg", "stable_kimg", "final_kimg")
    }
    schedule = callbacks.ProgressiveSchedule(
        **kimg,
        batch_sizes={
            r: min(b, args.batch_size) for r, b in CONFIG["batch_sizes"].items()
        },
        sample_dir=out / "phases",
        num_samples=100,
    )
    steps = schedule.total_steps(model.num_phases, args.batch_size)
    steps_per_epoch = args.steps_per_epoch or math.ceil(steps / args.epochs)
    results = runner.fit_and_export(
        model,
        digits(args),
        out,
        args.epochs,
        batch_size=args.batch_size,
        evaluate=evaluate,
        callbacks=[schedule],
        steps_per_epoch=steps_per_epoch,
        eval_every=args.eval_every,
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
