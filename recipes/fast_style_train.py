"""Train a fast feed-forward stylizer for one style (Johnson et al. 2016).

Trains `FastStyleTransfer` (residual transformation network with instance
normalisation) on a folder of content images (`--content-dir`, e.g. MS-COCO
train2014 as in the paper; any folder of JPEG/PNG files, nested or flat),
centre-cropped and resized to `--image-size`, with the perceptual losses of
Gatys et al. against the style image `--style`, and writes to `--out`:

- `samples/samples_epoch_NNN.png`: up to 4 content images (top row) and
  their stylized versions (bottom row), every epoch;
- `losses.png` / `losses.json`: the losses per epoch;
- `backup/`: a resumable checkpoint while training (removed at the end);
- `model.keras`: the trained model (with its loss network);
- `saved_model/<version>/`: the transformation network for TF Serving:
  `serving_default` takes `image` float32 `(N, H, W, 3)` in [-1, 1] (H, W
  multiples of 4) and returns `images` in [-1, 1];
- `metrics.json`: time and images/second.

The train -> sample -> checkpoint -> save -> export loop is
`keras_gans.runner.fit_and_export`.

Paper settings: batch 4, 256x256 crops, Adam(1e-3), 40k iterations (two
epochs of 80k COCO images). VGG19 ImageNet weights come from the Keras
cache or `--vgg-weights PATH`; `--vgg-weights none` uses random weights
(smoke tests and benchmarks only).

    python recipes/fast_style_train.py --content-dir coco/train2014 \
        --style starry.jpg --out runs/fast_starry
"""

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans import cli, data, plotting, runner  # noqa: E402
from keras_gans.models.style import (  # noqa: E402
    CONTENT_LAYER,
    STYLE_LAYERS,
    FastStyleTransfer,
)

CONFIG = dict(
    epochs=2,
    batch_size=4,
    image_size=256,
    learning_rate=1e-3,
    filters=32,
    num_residual_blocks=5,
    content_weight=1e-3,
    style_weight=1.0,
    tv_weight=0.0,
    pooling="max",
    seed=2016,
    vgg_weights="imagenet",
    num_samples=4,
)


def vgg_weights_arg(value):
    """`none` -> None (random weights, smoke tests only), else as given."""
    return None if value.lower() == "none" else value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content-dir", required=True, help="folder of content images")
    parser.add_argument("--style", required=True, help="style image file")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=CONFIG["batch_size"])
    parser.add_argument("--image-size", type=int, default=CONFIG["image_size"])
    parser.add_argument("--learning-rate", type=float, default=CONFIG["learning_rate"])
    parser.add_argument("--filters", type=int, default=CONFIG["filters"])
    parser.add_argument(
        "--residual-blocks", type=int, default=CONFIG["num_residual_blocks"]
    )
    parser.add_argument(
        "--content-weight", type=float, default=CONFIG["content_weight"]
    )
    parser.add_argument("--style-weight", type=float, default=CONFIG["style_weight"])
    parser.add_argument("--tv-weight", type=float, default=CONFIG["tv_weight"])
    parser.add_argument("--pooling", choices=["avg", "max"], default=CONFIG["pooling"])
    parser.add_argument(
        "--content-layer", default=CONTENT_LAYER, help="VGG19 layer of the content loss"
    )
    parser.add_argument(
        "--style-layers",
        nargs="+",
        default=list(STYLE_LAYERS),
        help="VGG19 layers of the style loss (equal weights)",
    )
    parser.add_argument("--seed", type=int, default=CONFIG["seed"])
    parser.add_argument(
        "--vgg-weights",
        type=vgg_weights_arg,
        default=CONFIG["vgg_weights"],
        help="'imagenet' (Keras cache file), a weights file path, or 'none' "
        "(random weights: smoke tests only)",
    )
    parser.add_argument("--verbose", type=int, default=2, help="fit verbosity")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        raise ValueError(f"`--epochs` must be >= 1. Received: {args.epochs}")
    if args.image_size % 4:
        raise ValueError(
            f"`--image-size` must be a multiple of 4. Received: {args.image_size}"
        )
    return args


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    out = pathlib.Path(args.out)
    dataset = data.from_image_folder(
        args.content_dir,
        image_size=args.image_size,
        batch_size=args.batch_size,
        seed=args.seed,
        center_crop=True,
    )
    (fixed,) = next(iter(dataset))  # a fixed batch to follow training with
    fixed = fixed[: CONFIG["num_samples"]].numpy()  # [-1, 1]
    model = FastStyleTransfer(
        filters=args.filters,
        num_residual_blocks=args.residual_blocks,
        content_weight=args.content_weight,
        style_weight=args.style_weight,
        tv_weight=args.tv_weight,
        pooling=args.pooling,
        content_layer=args.content_layer,
        style_layers=args.style_layers,
        vgg_weights=args.vgg_weights,
    )
    model.set_style(args.style)
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate))

    def write_samples(epoch, logs=None):  # content images over stylized ones
        grid = np.concatenate([fixed, model.translate(fixed)])  # [-1, 1]
        plotting.save_image_grid(
            grid, out / "samples" / f"samples_epoch_{epoch + 1:03d}.png", rows=2
        )

    results = runner.fit_and_export(
        model,
        dataset,
        out,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        batch_size=args.batch_size,
        verbose=args.verbose,
        sample_grid=keras.callbacks.LambdaCallback(on_epoch_end=write_samples),
    )
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    cli.run_entry_point(main)
