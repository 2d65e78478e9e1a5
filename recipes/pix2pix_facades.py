"""Pix2Pix on CMP Facades: architectural label maps -> photos, the paper's settings.

Trains the `pix2pix_facades` preset (a configuration, no shipped weights):
`Pix2Pix` (Isola et al. 2017) on the official pix2pix `facades` archive
(400 training pairs of 256x256 photo|labels) in the paper's direction,
labels -> photo (`--direction BtoA`), with the paper's facades settings:
200 epochs, batch 1, λ = 100, random jitter (resize to 286, random 256
crop, random mirror), Adam(2e-4, β1=0.5), U-Net-256 G with dropout, 70x70
PatchGAN D. Normalisation: instance norm, which is what the paper's
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

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("pix2pix_facades", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
