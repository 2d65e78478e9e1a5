"""Progressive GAN on CelebA faces, grown from 4x4 to 128x128 as in the paper.

Trains the `pggan_celeba` preset (a configuration, no shipped weights):
`ProgressiveGAN` (Karras et al. 2018) on CelebA, through TFDS (`celeb_a`,
train split; prepared beforehand, see `--tfds-data-dir`) or, with
`--data-dir`, on a folder of face images such as the official
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

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("pggan_celeba", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
