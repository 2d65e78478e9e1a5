"""DCGAN on the embedded MNIST digits.

Trains `DCGAN` (Radford et al. 2016) at 28x28x1 on the 5000 digits that ship
with the package (no network) and writes to `--out`: sample grids per epoch,
loss curves, `model.keras`, the generator as a SavedModel, and
`metrics.json` with the predicted-class histogram entropy of 1000 samples
by the shipped digit classifier (ln 10 = 2.30 nats when all ten digits are
drawn equally often).

The paper's settings: Adam(2e-4, beta_1=0.5), weights N(0, 0.02),
BatchNorm, LeakyReLU(0.2) in D, uniform z of size 100. The nets are
narrower than the paper's 64x64 faces model (`--generator-filters` /
`--discriminator-filters`) so a CPU run takes minutes, and the batch is 64
rather than the paper's 128: on 5000 digits, 40 epochs at batch 64 (3120
updates) reached a class entropy of 2.25-2.26 nats in two seeds, while
20 epochs at batch 128 stopped at 2.09 (BENCHMARKS.md).

    python recipes/dcgan_mnist.py --out runs/dcgan_mnist
    python recipes/dcgan_mnist.py --tfds --epochs 5      # full TFDS MNIST
"""

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402

from keras_gans import metrics, runner  # noqa: E402
from keras_gans.models import DCGAN  # noqa: E402

CONFIG = dict(
    epochs=40,
    batch_size=64,  # twice the updates per epoch of the paper's 128
    seed=20160107,
    out="runs/dcgan_mnist",
    latent_dim=100,
    generator_filters=32,
    discriminator_filters=32,
    kernel_size=5,
    loss="non_saturating",
    jit_compile=False,  # XLA was slower for dcgan28 on 2 CPU cores (BENCHMARKS.md)
)


def evaluate(model):
    """Class coverage of 1000 samples by the shipped digit classifier."""
    return metrics.digit_report(model.generate(1000, seed=1))


def main(argv=None):
    parser = runner.recipe_parser(__doc__.splitlines()[0], CONFIG)
    parser.add_argument(
        "--generator-filters", type=int, default=CONFIG["generator_filters"]
    )
    parser.add_argument(
        "--discriminator-filters", type=int, default=CONFIG["discriminator_filters"]
    )
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    dataset = runner.digits_for_recipe(args, with_labels=False)
    with runner.strategy_for_recipe(args).scope():
        model = DCGAN(
            image_size=28,
            channels=1,
            latent_dim=CONFIG["latent_dim"],
            generator_filters=args.generator_filters,
            discriminator_filters=args.discriminator_filters,
            kernel_size=CONFIG["kernel_size"],
            seed=args.seed,
        )
        model.compile(loss=CONFIG["loss"], jit_compile=CONFIG["jit_compile"])
    results = runner.fit_and_export(
        model,
        dataset,
        args.out,
        args.epochs,
        batch_size=args.batch_size,
        evaluate=evaluate,
        steps_per_epoch=args.steps_per_epoch,
        eval_every=args.eval_every,
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
