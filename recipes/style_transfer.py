"""Neural style transfer of one image (Gatys et al. 2016).

Optimises the image itself with `NeuralStyleTransfer` (VGG19 conv4_2
content, Gram matrices of conv1_1..conv5_1 for style, average pooling) and
writes:

- `--out` (e.g. `out.png`): the stylized image;
- `<out>_progress.png`: one row: the content image, then the image every
  `--progress-every` steps;
- `<out>_losses.png` / `<out>_losses.json`: the losses against the step
  (the `epoch` axis counts `--progress-every` chunks of steps);
- `<out>_metrics.json`: settings, time, steps/second, final losses.

The ImageNet VGG19 weights are read from the Keras cache
(`$KERAS_HOME/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`,
default `~/.keras/models`) or from `--vgg-weights PATH`; nothing is
downloaded. `--vgg-weights none` uses random VGG weights: for smoke tests
and benchmarks only, the image it makes is meaningless.

    python recipes/style_transfer.py --content photo.jpg --style starry.jpg \
        --out runs/style/out.png --steps 500 --image-size 256
"""

import argparse
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans import cli, plotting  # noqa: E402
from keras_gans.models.style import (  # noqa: E402
    CONTENT_LAYER,
    STYLE_LAYERS,
    NeuralStyleTransfer,
)

CONFIG = dict(
    steps=500,
    image_size=256,
    content_weight=1e-3,  # alpha; alpha/beta = 1e-3 (Gatys et al. 2016, Fig. 3)
    style_weight=1.0,  # beta
    tv_weight=0.0,
    pooling="avg",  # the paper's choice
    init="content",
    progress_every=50,
    learning_rate=5.0,  # Adam on [0, 255] pixels
    seed=2016,
    vgg_weights="imagenet",
)


def vgg_weights_arg(value):
    """`none` -> None (random weights, smoke tests only), else as given."""
    return None if value.lower() == "none" else value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", required=True, help="content image file")
    parser.add_argument("--style", required=True, help="style image file")
    parser.add_argument("--out", required=True, help="output PNG path")
    parser.add_argument("--steps", type=int, default=CONFIG["steps"])
    parser.add_argument(
        "--image-size",
        type=int,
        nargs="+",
        default=[CONFIG["image_size"]],
        help="SIZE (square) or HEIGHT WIDTH; both images are resized to it",
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
    parser.add_argument("--init", choices=["content", "noise"], default=CONFIG["init"])
    parser.add_argument("--progress-every", type=int, default=CONFIG["progress_every"])
    parser.add_argument("--learning-rate", type=float, default=CONFIG["learning_rate"])
    parser.add_argument("--seed", type=int, default=CONFIG["seed"])
    parser.add_argument(
        "--vgg-weights",
        type=vgg_weights_arg,
        default=CONFIG["vgg_weights"],
        help="'imagenet' (Keras cache file), a weights file path, or 'none' "
        "(random weights: smoke tests only)",
    )
    parser.add_argument("--verbose", type=int, default=1, help="fit verbosity")
    args = parser.parse_args(argv)
    if len(args.image_size) not in (1, 2):
        parser.error("--image-size takes SIZE or HEIGHT WIDTH")
    return args


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    size = args.image_size[0] if len(args.image_size) == 1 else tuple(args.image_size)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("")
    start = time.perf_counter()
    model = NeuralStyleTransfer(
        image_size=size,
        content_weight=args.content_weight,
        style_weight=args.style_weight,
        tv_weight=args.tv_weight,
        pooling=args.pooling,
        content_layer=args.content_layer,
        style_layers=args.style_layers,
        init=args.init,
        vgg_weights=args.vgg_weights,
        seed=args.seed,
    )
    result = model.stylize(
        args.content,
        args.style,
        steps=args.steps,
        progress_every=args.progress_every,
        optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.99, epsilon=0.1),
        verbose=args.verbose,
    )
    seconds = time.perf_counter() - start
    plotting.save_image_grid(result.image[None], out)
    content = model.content_image.numpy()[0].round().astype("uint8")
    strip = [content] + [image for _, image in result.snapshots]
    progress_path = plotting.save_image_grid(
        np.stack(strip), f"{stem}_progress.png", rows=1
    )
    history = {"epoch": [step for step, _ in result.snapshots], **result.history}
    plotting.plot_loss_curves(history, f"{stem}_losses.png", title="loss vs step")
    with open(f"{stem}_losses.json", "w") as f:
        json.dump({"step": history.pop("epoch"), **history}, f, indent=1)
    final = {k: float(v) for k, v in model.compute_losses().items()}
    metrics = {
        "out": str(out),
        "progress": progress_path,
        "steps": args.steps,
        "image_size": list(model.image_size),
        "seconds": round(seconds, 2),
        "steps_per_second": round(args.steps / seconds, 3),
        "vgg_weights": args.vgg_weights,
        "pooling": args.pooling,
        "content_layer": args.content_layer,
        "style_layers": args.style_layers,
        "init": args.init,
        "content_weight": args.content_weight,
        "style_weight": args.style_weight,
        "tv_weight": args.tv_weight,
        "final_losses": final,
    }
    with open(f"{stem}_metrics.json", "w") as f:
        json.dump(metrics, f, indent=2)
    print(json.dumps(metrics))
    return metrics


if __name__ == "__main__":
    cli.run_entry_point(main)
