"""The `keras-gans` command: sample, export, evaluate and train from a shell.

Every subcommand takes a model saved with `model.save("x.keras")` (or a
recipe name for `train`). Mistakes in the arguments print one line to stderr
and exit with status 2; no traceback.

    keras-gans sample runs/dcgan_mnist/model.keras --num 64 --out grid.png --seed 0
    keras-gans sample runs/cgan_mnist/model.keras --num 100 --out grid.png \\
        --npy samples.npy                   # one row per class (per_class)
    keras-gans sample runs/cgan_mnist/model.keras --num 16 --out sevens.png \\
        --labels 7                          # labels repeat to fill --num
    keras-gans export runs/dcgan_mnist/model.keras exports/dcgan --output uint8
    keras-gans evaluate runs/cgan_mnist/model.keras --num 1000 --seed 1
    keras-gans train dcgan_mnist --epochs 5 --out runs/dcgan_mnist
    keras-gans --version

`train` runs `recipes/<RECIPE>.py` of a source checkout (the folder next to
the installed `keras_gans` package) with the remaining arguments.
"""

import argparse
import json
import pathlib
import runpy
import sys
import zipfile

import keras
import numpy as np

import keras_gans
from keras_gans import export, metrics, plotting
from keras_gans.models import AdversarialModel

PROG = "keras-gans"
DIGIT_SHAPE = (28, 28, 1)


class UsageError(Exception):
    """A mistake in the command line, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """Reports argument errors in one line instead of usage + message."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


# ------------------------------------------------------------------- helpers
def recipes_dir():
    """The `recipes/` folder of the checkout holding this package."""
    return pathlib.Path(keras_gans.__file__).resolve().parents[1] / "recipes"


def available_recipes():
    """Names of the recipes in `recipes_dir()`, sorted ([] without a checkout)."""
    folder = recipes_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.py") if not p.name.startswith("_"))


def _load_model(path):
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Model file not found: {path}")
    try:
        # compile=True: the EMA generator is made by `compile()`, so
        # compile=False would silently drop its weights.
        model = keras.saving.load_model(path)
    except zipfile.BadZipFile as e:
        raise ValueError(f"Not a `.keras` model file: {path} ({e})") from e
    if not isinstance(model, AdversarialModel):
        raise ValueError(
            f"{path} holds a {type(model).__name__}, not a keras_gans "
            "adversarial model (GAN, DCGAN, ConditionalGAN, ...)."
        )
    return model


def _image_shape(model):
    """`(H, W, C)` of the images the model's generator draws."""
    return tuple(int(d) for d in model.generator.outputs[0].shape[1:])


def _parse_labels(text, model, num):
    """`--labels` -> `(labels, rows)`: int array `(n,)` or `None`, grid rows."""
    if model.num_classes is None:
        if text is not None:
            raise ValueError(
                f"{type(model).__name__} is unconditional; drop `--labels`. "
                f"Received: --labels {text}"
            )
        return None, None
    if text is None or text == "per_class":
        per_class = num // model.num_classes
        if per_class < 1:
            raise ValueError(
                f"One image per class needs `--num` >= num_classes="
                f"{model.num_classes}. Received: --num {num}"
            )
        labels = np.repeat(np.arange(model.num_classes), per_class)
        return labels, model.num_classes
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(
            "`--labels` must be `per_class` or comma-separated class ids such "
            f"as 0,1,2. Received: --labels {text}"
        ) from None
    # Repeated to fill `--num`: `--labels 7` draws only sevens.
    labels = np.resize(np.asarray(values, np.int64), num)
    return model.check_labels(labels, num), None


def _check_positive(name, value):
    if value < 1:
        raise ValueError(f"`{name}` must be >= 1. Received: {name} {value}")


# --------------------------------------------------------------- subcommands
def cmd_sample(args):
    _check_positive("--num", args.num)
    model = _load_model(args.model)
    labels, rows = _parse_labels(args.labels, model, args.num)
    num = args.num if labels is None else len(labels)
    images = model.generate(
        num, labels=labels, seed=args.seed, use_ema=not args.no_ema
    )  # (n, H, W, C) in [-1, 1]
    print(plotting.save_image_grid(images, args.out, rows=rows))
    if args.npy is not None:
        path = pathlib.Path(args.npy)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, images)
        print(path)
    return 0


def cmd_export(args):
    model = _load_model(args.model)
    path = export.export_generator(
        model,
        args.export_dir,
        version=args.version,
        output=args.output,
        use_ema=not args.no_ema,
    )
    print(path)
    return 0


def cmd_evaluate(args):
    _check_positive("--num", args.num)
    model = _load_model(args.model)
    shape = _image_shape(model)
    if shape != DIGIT_SHAPE:
        raise ValueError(
            "`evaluate` judges digits with the shipped digit classifier, which "
            f"needs 28x28x1 images. Received: a model drawing {shape} images "
            f"({args.model})"
        )
    labels = None
    num = args.num
    if model.num_classes is not None:
        # num // num_classes of each class: 100 per class for the default 1000.
        labels, _ = _parse_labels("per_class", model, args.num)
        num = len(labels)
    images = model.generate(num, labels=labels, seed=args.seed)
    print(json.dumps(metrics.digit_report(images, labels), indent=2))
    return 0


def find_recipe(name):
    """`recipes/<name>.py` (`name` with or without `.py`), or a ValueError
    listing the available recipes."""
    available = available_recipes()
    stem = None if name is None else name.removesuffix(".py")
    if stem not in available:  # also rules out paths such as ../x
        if not available:
            raise FileNotFoundError(
                f"No recipes folder at {recipes_dir()}: `{PROG} train` runs the "
                "recipes of a source checkout."
            )
        problem = "Name a recipe." if name is None else f"Unknown recipe {name!r}."
        raise ValueError(f"{problem} Available recipes: {', '.join(available)}")
    return recipes_dir() / f"{stem}.py"


def run_recipe(path, argv):
    """Runs the script `path` as `__main__` with `sys.argv[1:] = argv`.

    Errors inside the recipe keep their traceback; its own `sys.exit` (e.g.
    argparse rejecting an argument) becomes the returned exit code.
    """
    saved_argv = sys.argv
    sys.argv = [str(path), *argv]
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        print(e.code, file=sys.stderr)
        return 1
    finally:
        sys.argv = saved_argv
    return 0


# -------------------------------------------------------------------- parser
def build_parser():
    parser = _Parser(
        prog=PROG,
        description="Sample, export, evaluate and train keras_gans models.",
    )
    parser.add_argument("--version", action="version", version=keras_gans.__version__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("sample", help="draw images from a saved model as a PNG grid")
    p.add_argument("model", help="a `.keras` file saved from a keras_gans model")
    p.add_argument("--num", type=int, default=64, help="number of images (64)")
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--seed", type=int, default=None, help="noise seed")
    p.add_argument(
        "--labels",
        default=None,
        help="conditional models: `per_class` (default; num // num_classes of "
        "each class, one row per class) or class ids like 0,1,2, repeated "
        "to fill --num",
    )
    p.add_argument("--npy", default=None, help="also save the raw float array")
    p.add_argument("--no-ema", action="store_true", help="skip the EMA generator")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("export", help="write the generator as a SavedModel")
    p.add_argument("model", help="a `.keras` file saved from a keras_gans model")
    p.add_argument("export_dir", help="base folder; writes EXPORT_DIR/<version>")
    p.add_argument(
        "--version", type=int, default=None, help="default: 1 + the largest existing"
    )
    p.add_argument("--output", choices=export.OUTPUTS, default="float")
    p.add_argument("--no-ema", action="store_true", help="skip the EMA generator")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "evaluate", help="judge generated 28x28x1 digits with the digit classifier"
    )
    p.add_argument("model", help="a `.keras` file saved from a keras_gans model")
    p.add_argument("--num", type=int, default=1000, help="number of images (1000)")
    p.add_argument("--seed", type=int, default=None, help="noise seed")
    p.set_defaults(func=cmd_evaluate)

    recipes = ", ".join(available_recipes()) or "none: not a source checkout"
    p = sub.add_parser("train", help="run a recipe from recipes/")
    p.add_argument("recipe", nargs="?", help=f"recipe name ({recipes})")
    p.add_argument(
        "recipe_args", nargs=argparse.REMAINDER, help="arguments for the recipe"
    )
    p.set_defaults(func=None)  # `main` runs the recipe
    return parser


def main(argv=None):
    """Runs the command line `argv` (default `sys.argv[1:]`); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:  # --help, --version
        return e.code if isinstance(e.code, int) else 0
    try:
        if args.command != "train":
            return args.func(args)
        recipe = find_recipe(args.recipe)
    except (ValueError, FileNotFoundError) as e:
        message = " ".join(str(e).split())  # one line
        print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
        return 2
    # Outside the handler: a failing recipe shows its traceback.
    return run_recipe(recipe, args.recipe_args)


if __name__ == "__main__":
    sys.exit(main())
