"""Pix2Pix on the embedded paired digits: edge maps -> digits.

Trains the `pix2pix_digits` preset: `Pix2Pix` (Isola et al. 2017) on the
embedded paired task of `keras_gans.pairs.digit_pairs`: binary Sobel edge
maps of the 4000 training digits (padded to 32x32) translated to the grey
digits, no network needed. Writes to `--out`: input | translated | target
grids of 16 held-out pairs per epoch, loss curves, `model.keras`, the
translator as a SavedModel (`serving_default`: `image` -> `images`), and
`metrics.json` with the held-out mean L1 (pixels in [0, 1]) and the
fraction of the 1000 held-out translations that the shipped digit
classifier reads as their true digit.

The paper's objective and optimiser: cGAN + λ·L1 with λ = 100, D's loss
halved, Adam(2e-4, β1=0.5), U-Net G with dropout, PatchGAN D on
concat(input, output). Scaled to 32x32 digits on a CPU: a 5-block U-Net
(1x1 bottleneck) with `--generator-filters 32` (the paper: 64), a PatchGAN
with `num_discriminator_layers=1` (16x16 patches, half the image, as 70x70
is about a quarter of 256x256 in the paper), and batch 32 with BatchNorm
instead of the paper's batch 1 (a CPU step costs about the same at batch 1
and 32).

    python recipes/pix2pix_digits.py --out runs/pix2pix_digits
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("pix2pix_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
