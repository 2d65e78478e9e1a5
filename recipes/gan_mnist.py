"""The original GAN (Goodfellow et al. 2014) on the embedded MNIST digits.

Trains the `gan_digits` preset: a ReLU MLP generator (1200-1200) against a
Maxout discriminator (240x5, 240x5, dropout), uniform z of size 100, on the
5000 digits that ship with the package (no network). Writes to `--out`:
sample grids per epoch, loss curves, `model.keras`, the generator as a
SavedModel, and `metrics.json` with the predicted-class histogram entropy
of 1000 samples by the shipped digit classifier.

Adam with two time scales (G 1e-3, D 2e-4) and an EMA generator, 100
epochs: with one Adam(2e-4) for both the MLP G collapsed to a grey blob.
`--loss minimax` trains the paper's value function as written; the default
`non_saturating` is the paper's practical recommendation (sec 3: G
maximises log D(G(z))).

    python recipes/gan_mnist.py --out runs/gan_mnist
    python recipes/gan_mnist.py --loss minimax
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("gan_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
