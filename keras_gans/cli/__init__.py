"""The `keras-gans` command: train, sample, translate, evaluate and export.

A model is named by a `.keras` file saved with `model.save(...)` or by a
preset (`keras-gans presets` lists them; their trained weights ship with the
package, nothing is downloaded). Every mistake prints one line on stderr and
exits with status 2, without a traceback (`--verbose` shows it, and
TensorFlow's start-up logs).

    keras-gans presets
    keras-gans sample cgan_digits --out grid.png                # a preset
    keras-gans sample runs/cgan_mnist/model.keras --num 16 --labels 7 --out sevens.png
    keras-gans translate pix2pix_digits --input edges.npy --out translated.png
    keras-gans evaluate cgan_digits --num 1000 --seed 1
    keras-gans export cgan_digits exports/cgan --output uint8
    keras-gans interpolate cgan_digits --out walk.gif --labels 3,8 --steps 32
    keras-gans train cgan_digits --epochs 5 --out runs/cgan  # a preset's recipe
    keras-gans --version

`train PRESET` runs `keras_gans.runner.run_preset` (the old recipe names such
as `cgan_mnist` are aliases); `keras-gans train PRESET --help` lists its flags.
"""

import argparse
import os
import sys

from keras_gans import _startup
from keras_gans.cli._commands import (
    cmd_evaluate,
    cmd_export,
    cmd_interpolate,
    cmd_presets,
    cmd_sample,
    cmd_train,
    cmd_translate,
)
from keras_gans.cli._inputs import (  # noqa: F401 (_parse_labels: tests)
    PROG,
    UsageError,
    _parse_labels,
    _Parser,
)

__all__ = ["build_parser", "main", "run_entry_point"]


def _add_interpolate(sub):
    p = sub.add_parser("interpolate", help="a latent (or class) walk as a GIF")
    _add_model(p)
    p.add_argument("--out", required=True, help="walk.gif (or a .png grid)")
    p.add_argument(
        "--labels", default=None, help="class (or cluster) ids, e.g. 3,8 (a class walk)"
    )
    p.add_argument("--steps", type=int, default=32, help="images per walk (32)")
    p.add_argument("--truncation", type=float, default=1.0, help="psi in [0, 1]")
    p.add_argument("--method", choices=("slerp", "linear"), default="slerp")
    p.add_argument("--seed", type=int, default=0, help="seed of the end points")
    p.add_argument("--scale", type=int, default=4, help="GIF upscaling (4)")
    p.add_argument("--grid", default=None, help="also write a PNG grid here")
    p.set_defaults(func=cmd_interpolate)


# -------------------------------------------------------------------- parser
def _add_model(p, what="a `.keras` file or a preset name"):
    p.add_argument("model", metavar="MODEL_OR_PRESET", help=what)
    p.add_argument("--verbose", action="store_true", help="show TensorFlow's logs")


def build_parser():
    """The `keras-gans` argument parser."""
    parser = _Parser(
        prog=PROG,
        description="Train, sample, translate, evaluate and export keras_gans models.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("sample", help="draw images from a model as a PNG grid")
    _add_model(p)
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

    p = sub.add_parser("translate", help="translate images with a Pix2Pix model")
    _add_model(p)
    p.add_argument(
        "--input",
        nargs="+",
        required=True,
        help="an IMAGES.npy (n, H, W[, C]; uint8 or floats in [-1, 1]) or image files",
    )
    p.add_argument("--out", required=True, help="PNG grid to write (input | output)")
    p.add_argument("--npy", default=None, help="also save the translations")
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("export", help="write the generator as a SavedModel")
    _add_model(p)
    p.add_argument("export_dir", help="base folder; writes EXPORT_DIR/<version>")
    p.add_argument(
        "--version", type=int, default=None, help="default: 1 + the largest existing"
    )
    p.add_argument("--output", choices=("float", "uint8"), default="float")
    p.add_argument("--no-ema", action="store_true", help="skip the EMA generator")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "evaluate",
        help="judge generated digits with the shipped digit classifier, or the "
        "FID against --real DIR",
    )
    _add_model(p)
    p.add_argument(
        "--num",
        type=int,
        default=None,
        help="number of images (1000; with --real 2048, the FID minimum)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="noise seed (0: a repeatable report)"
    )
    p.add_argument(
        "--real",
        default=None,
        help="a folder of real images: the FID against it (statistics cached)",
    )
    p.add_argument(
        "--backbone",
        choices=["keras_inception_v3", "inception_2015"],
        default=None,
        help="features of --real's FID: Keras' InceptionV3 (default) or the 2015 "
        'graph of published FIDs (pip install "keras_gans[fid]")',
    )
    p.add_argument(
        "--resize",
        choices=["legacy_tensorflow", "clean"],
        default=None,
        help="inception_2015's resize to 299: TF1 bilinear (default) or clean-fid's",
    )
    p.add_argument(
        "--allow-small-sets",
        action="store_true",
        help="accept an inception_2015 FID on fewer than 2048 images (biased)",
    )
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("presets", help="list the presets and their figures")
    p.add_argument("--verbose", action="store_true", help="show TensorFlow's logs")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser(
        "train",
        help="train a preset's recipe (`train PRESET --help` lists its flags)",
        add_help=False,
    )
    p.add_argument("preset", nargs="?", help="preset name (see `presets`)")
    p.add_argument("preset_args", nargs=argparse.REMAINDER, help="recipe flags")
    p.set_defaults(func=cmd_train, verbose=False)
    _add_interpolate(sub)
    return parser


def _version():
    import keras_gans

    return keras_gans.__version__


def main(argv=None):
    """Runs the command line `argv` (default `sys.argv[1:]`); returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    _startup.quiet_tensorflow(argv)
    verbose = "--verbose" in argv
    command = "error"
    try:
        args = build_parser().parse_args(argv)
        command = args.command
        if command == "train":
            args.verbose = "--verbose" in args.preset_args
            args.preset_args = [a for a in args.preset_args if a != "--verbose"]
        return args.func(args)
    except SystemExit as e:  # --help, --version
        if isinstance(e.code, int) or e.code is None:
            return e.code or 0
        print(f"{PROG}: error: {e.code}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # one line, no traceback (unless --verbose)
        if verbose:
            raise
        message = " ".join(str(e).split()) or type(e).__name__
        if not isinstance(e, (UsageError, ValueError, FileNotFoundError, OSError)):
            message = f"{type(e).__name__}: {message}"
        prefix = PROG if command == "error" else f"{PROG} {command}"
        print(f"{prefix}: error: {message}", file=sys.stderr)
        return 2


def run_entry_point(function, argv=None):
    """Runs a recipe's `main(argv)` as a command: a bad argument, a locked
    or diverged run, a missing file print one line on stderr and exit with
    status 2 (`--verbose` shows the traceback), as `keras-gans` does."""
    argv = sys.argv[1:] if argv is None else list(argv)
    prog = os.path.basename(sys.argv[0]) if sys.argv else PROG
    try:
        function(argv)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        sys.exit(130)
    except (ValueError, FileNotFoundError, OSError) as e:
        if "--verbose" in argv:
            raise
        print(f"{prog}: error: {' '.join(str(e).split())}", file=sys.stderr)
        sys.exit(2)
    sys.exit(0)
