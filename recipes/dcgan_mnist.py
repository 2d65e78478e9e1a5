"""DCGAN on the embedded MNIST digits.

Trains the `dcgan_digits` preset: `DCGAN` (Radford et al. 2016) at 28x28x1
on the 5000 digits that ship with the package (no network). Writes to
`--out`: sample grids per epoch, loss curves, `model.keras`, the generator
as a SavedModel, and `metrics.json` with the predicted-class histogram
entropy of 1000 samples by the shipped digit classifier (ln 10 = 2.30 nats
when all ten digits are drawn equally often).

The paper's settings: weights N(0, 0.02), BatchNorm, LeakyReLU(0.2) in D,
uniform z of size 100. Deviations (BENCHMARKS.md, each measured): Adam(1e-3,
0.5) for both nets decayed linearly to 1e-4 over the 150 epochs (the paper:
a constant 2e-4), an EMA generator (decay 0.995) and a lazy R1 penalty on D
(gamma 1, every 4 D steps), which bring the digit FD from 30x to 11.5x real
vs real. The nets are
narrower than the paper's 64x64 faces model (`--generator-filters` /
`--discriminator-filters`) so a CPU run takes minutes, and the batch is 64
rather than the paper's 128: twice the updates per epoch on 5000 digits
(BENCHMARKS.md compares the two).

    python recipes/dcgan_mnist.py --out runs/dcgan_mnist
    python recipes/dcgan_mnist.py --tfds --epochs 5      # full TFDS MNIST
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("dcgan_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
