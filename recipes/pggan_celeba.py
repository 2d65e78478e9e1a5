"""Progressive GAN on CelebA faces, grown from 4x4 to 128x128 as in the paper.

Trains `ProgressiveGAN` (Karras et al. 2018) on CelebA: through TFDS
(`celeb_a`, train split; prepared beforehand, see `--tfds-data-dir`) or,
with `--data-dir`, on a folder of face images such as the official
`img_align_celeba/`. Faces are centre-cropped to a square (178x178 from the
218x178 aligned images), resized to `--max-resolution` and mirrored at
random (the paper's mirror augmentation).

The paper's settings are the defaults: 128x128 on CelebA, latent 512,
feature maps `min(8192 / 2**stage, 512)`, minibatch 16 at every resolution
up to 128 (then 14, 6, 3 at 256, 512, 1024), 800k images per fade-in and
per stable phase, WGAN-GP + drift, Adam(1e-3, 0, 0.99, 1e-8), EMA
generator (0.999), optimizer reset at every phase change. Writes to
`--out`: a sample grid per phase (`phases/`, fixed noise, EMA generator),
a grid per epoch (`samples/`), loss curves, a `BackupAndRestore` backup (a
killed run started again with the same `--out` resumes where it stopped),
`model.keras` and the final EMA generator as a SavedModel.

The official data tool crops CelebA to the 128x128 window centred at
(x=89, y=121) instead of the centre square; this recipe follows the
centre-crop-and-resize of the other face recipes.

    python recipes/pggan_celeba.py --data-dir ~/data/img_align_celeba --out runs/pggan_celeba
    python recipes/pggan_celeba.py --tfds-data-dir ~/tensorflow_datasets
    python recipes/pggan_celeba.py --max-resolution 64 --kimg-per-phase 200
"""

import argparse
import json
import math
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402

from keras_gans import callbacks, data, runner  # noqa: E402
from keras_gans.models import ProgressiveGAN  # noqa: E402

CONFIG = dict(
    max_resolution=128,
    latent_dim=512,
    fmap_base=8192,
    fmap_max=512,
    # Karras et al. 2018, appendix A.1: 16 up to 128x128, then 14, 6, 3.
    batch_sizes={256: 14, 512: 6, 1024: 3},
    batch_size=16,
    kimg_per_phase=800.0,
    ema_decay=0.999,
    epochs=100,  # the schedule is split into this many epochs
    seed=20180215,
    out="runs/pggan_celeba",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", default=None, help="folder of face images (default: TFDS celeb_a)"
    )
    parser.add_argument(
        "--tfds-data-dir", default=None, help="TFDS data folder holding celeb_a"
    )
    parser.add_argument("--max-resolution", type=int, default=CONFIG["max_resolution"])
    parser.add_argument(
        "--kimg-per-phase",
        type=float,
        default=CONFIG["kimg_per_phase"],
        help="thousands of images per fade-in and per stable phase (paper: 800)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=CONFIG["batch_size"],
        help="minibatch up to 128x128 (smaller at 256+, as in the paper)",
    )
    parser.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--latent-dim", type=int, default=CONFIG["latent_dim"])
    parser.add_argument("--fmap-base", type=int, default=CONFIG["fmap_base"])
    parser.add_argument("--fmap-max", type=int, default=CONFIG["fmap_max"])
    parser.add_argument("--seed", type=int, default=CONFIG["seed"])
    parser.add_argument("--out", default=CONFIG["out"], help="output folder")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            raise ValueError(
                f"`--{name.replace('_', '-')}` must be >= 1. Received: {getattr(args, name)}"
            )
    if not args.kimg_per_phase > 0:
        raise ValueError(
            f"`--kimg-per-phase` must be > 0. Received: {args.kimg_per_phase}"
        )
    return args


def dataset(args):
    """Faces at `--max-resolution` in [-1, 1], mirrored at random, repeated."""
    common = dict(
        batch_size=args.batch_size,
        center_crop=True,
        random_flip=True,
        seed=args.seed,
    )
    if args.data_dir is not None:
        ds = data.from_image_folder(
            args.data_dir, image_size=args.max_resolution, **common
        )
    else:
        ds = data.from_tfds(
            "celeb_a",
            image_size=args.max_resolution,
            data_dir=args.tfds_data_dir,
            **common,
        )
    return ds.repeat()


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    model = ProgressiveGAN(
        max_resolution=args.max_resolution,
        channels=3,
        latent_dim=args.latent_dim,
        fmap_base=args.fmap_base,
        fmap_max=args.fmap_max,
        seed=args.seed,
    )
    model.compile(ema_decay=CONFIG["ema_decay"])
    out = pathlib.Path(args.out)
    batch_sizes = {
        r: min(size, args.batch_size)
        for r, size in CONFIG["batch_sizes"].items()
        if r <= args.max_resolution
    }
    schedule = callbacks.ProgressiveSchedule(
        fade_kimg=args.kimg_per_phase,
        stable_kimg=args.kimg_per_phase,
        batch_sizes=batch_sizes or None,
        sample_dir=out / "phases",
    )
    steps = schedule.total_steps(model.num_phases, args.batch_size)
    results = runner.fit_and_export(
        model,
        dataset(args),
        out,
        args.epochs,
        batch_size=args.batch_size,
        callbacks=[schedule],
        steps_per_epoch=args.steps_per_epoch or math.ceil(steps / args.epochs),
        evaluate=lambda m: dict(resolution=m.resolution, images_seen=m.images_seen),
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
