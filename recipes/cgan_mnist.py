"""Conditional GAN on the embedded MNIST digits: ask for a 7, get a 7.

The main job of keras_gans. Trains the `cgan_digits` preset on the 5000
digits that ship with the package (no network), then writes to `--out`:
sample grids per epoch (one row per class), loss curves, `model.keras`, the
generator as a SavedModel, and `metrics.json` with the label accuracy (the
share of 1000 generated digits, 100 per class, that the shipped digit
classifier reads as the class they were generated for) and the digit FD.

Architecture choice (see BENCHMARKS.md): the paper's model
(`--architecture maxout`, Mirza & Osindero 2014) learns clean digits that
largely ignore their labels on 5000 digits in minutes. The default,
`--architecture conv`, is a DCGAN-style generator (z joined to the one-hot
label, 7x7x64 -> 14x14x32 -> 28x28x1, BatchNorm, ReLU) judged by a conv
discriminator conditioned by projection (Miyato & Koyama 2018) with an
auxiliary classifier head (Odena et al. 2017); samples come from an EMA of
the generator's weights (decay 0.995), z ~ N(0, 1), Adam(1e-3, beta_1=0.5)
decayed linearly to 1e-4 over the 60 epochs, batch 64. It follows the labels
and varies within each class.
The paper's MLP generator with the same discriminator
(`--architecture mlp_conv`) also follows the labels but draws about one
digit per class: label accuracy cannot see that, the digit FD can.

Why 1e-3, the decay and EMA 0.995 (BENCHMARKS.md, "cGAN recipe at 1e-3 with
decay"): the digit FD falls about twice as fast at 1e-3 as at 4e-4, but
levels off near 1.8x real vs real at a constant rate; the decay lets it keep
falling (1.57x at 60 epochs, 118 s of training on 2 cores). An EMA of
decay 0.995 averages over about 200 steps (2.5 epochs); 0.999 and 0.9995
lag behind a generator that is still improving.

    python recipes/cgan_mnist.py --out runs/cgan_mnist
    python recipes/cgan_mnist.py --architecture maxout --epochs 100
    python recipes/cgan_mnist.py --tfds --epochs 5      # full TFDS MNIST
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("cgan_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
