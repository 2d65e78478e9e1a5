"""The original GAN (Goodfellow et al. 2014) on the embedded MNIST digits.

Trains `GAN`: a ReLU MLP generator (1200-1200) against a Maxout
discriminator (240x5, 240x5, dropout), uniform z of size 100, on the 5000
digits that ship with the package (no network). Writes to `--out`: sample
grids per epoch, loss curves, `model.keras`, the generator as a SavedModel,
and `metrics.json` with the predicted-class histogram entropy of 1000
samples by the shipped digit classifier.

`--loss minimax` trains the paper's value function as written;
the default `non_saturating` is the paper's practical recommendation
(sec 3: G maximises log D(G(z))).

    python recipes/gan_mnist.py --out runs/gan_mnist
    python recipes/gan_mnist.py --loss minimax
"""

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402

from keras_gans import metrics, runner  # noqa: E402
from keras_gans.models import GAN  # noqa: E402

CONFIG = dict(
    epochs=30,
    batch_size=100,
    seed=20140610,
    out="runs/gan_mnist",
    latent_dim=100,
    loss="non_saturating",
    jit_compile=True,
)


def evaluate(model):
    """Class coverage of 1000 samples by the shipped digit classifier."""
    return metrics.digit_report(model.generate(1000, seed=1))


def main(argv=None):
    parser = runner.recipe_parser(__doc__.splitlines()[0], CONFIG)
    parser.add_argument(
        "--loss", default=CONFIG["loss"], choices=("non_saturating", "minimax")
    )
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    dataset = runner.digits_for_recipe(args, with_labels=False)
    with runner.strategy_for_recipe(args).scope():
        model = GAN(latent_dim=CONFIG["latent_dim"], seed=args.seed)
        model.compile(loss=args.loss, jit_compile=CONFIG["jit_compile"])
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
