"""Self-conditioned GAN on the embedded MNIST digits: no labels used.

Trains the `scgan_digits` preset: `SelfConditionedGAN` (Liu et al. 2020) at
28x28x1 on the 5000 digits that ship with the package (no network). The
digits are split into 50 clusters by k-means on their first 50 principal
components (`keras_gans.data.kmeans_labels`, seeded by the recipe's seed);
the labels are never read. G and D are the DCGAN conv trunk of
`cgan_digits` conditioned on the cluster id (projection D with an AC head,
EMA generator); sampling draws a cluster by its share of the training
digits, then z. Writes to `--out`: sample grids per epoch, loss curves,
`model.keras`, the generator as a SavedModel (its inputs: z and a cluster
id), and `metrics.json` with the confident fraction, class entropy and
digit FD of its samples by the shipped digit classifier.

    python recipes/scgan_digits.py --out runs/scgan_digits
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("scgan_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
