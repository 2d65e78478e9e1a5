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
import json
import os
import pathlib
import sys

from keras_gans import _startup

__all__ = ["build_parser", "main", "run_entry_point"]

PROG = "keras-gans"


class UsageError(Exception):
    """A mistake in the command line, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """Reports argument errors in one line instead of usage + message."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


# ------------------------------------------------------------------- helpers
def _looks_like_file(name):
    return name.endswith(".keras") or os.sep in name or os.path.exists(name)


def _load_model(name):
    """A `.keras` file (loaded with `safe_mode=True`, never turned off) or a
    preset's model. Any Keras model loads; each command then asks the model
    for what it needs (`generate`, `translate`, `export_archive`)."""
    import zipfile

    import keras

    from keras_gans.models import registry

    if _looks_like_file(name):
        path = pathlib.Path(name)
        if not path.is_file():
            raise FileNotFoundError(f"Model file not found: {path}")
        if not zipfile.is_zipfile(path):
            raise ValueError(f"Not a `.keras` model file (not a zip archive): {path}")
        try:
            # compile=True (the default): `compile()` makes the EMA generator.
            return keras.saving.load_model(path, safe_mode=True)
        except zipfile.BadZipFile as e:
            raise ValueError(f"Not a `.keras` model file: {path} ({e})") from e
        except Exception as e:  # a config Keras cannot rebuild safely
            message = " ".join(str(e).split())[:300]
            raise ValueError(
                f"Cannot load {path} as a Keras model with safe_mode=True: "
                f"{type(e).__name__}: {message}"
            ) from e
    try:
        registry.resolve_name(name)
    except ValueError:
        raise ValueError(
            f"{name!r} is neither a `.keras` file nor a preset. Presets: "
            f"{', '.join(registry.preset_names())}"
        ) from None
    return registry.load_preset(name)


def _require(model, method, name, hint):
    """Raises a one-line ValueError when `model` has no `method`."""
    if not callable(getattr(model, method, None)):
        raise ValueError(
            f"{name} holds a {type(model).__name__}, which has no `{method}`: {hint}"
        )


def _draws_from_noise(model, name):
    _require(
        model,
        "generate",
        name,
        f"it does not draw from noise (use `{PROG} translate` for image-to-"
        "image models)"
        if callable(getattr(model, "translate", None))
        else "it is not a keras_gans image model",
    )


def _parse_labels(text, model, num):
    """`--labels` -> `(labels, rows)`: int array `(n,)` or `None`, grid rows."""
    import numpy as np

    if getattr(model, "num_classes", None) is None:
        if text is not None:
            raise ValueError(
                f"{type(model).__name__} is unconditional; drop `--labels`. "
                f"Received: --labels {text}"
            )
        return None, None
    if text is None and not getattr(model, "labels_are_classes", True):
        return None, None  # cluster ids: the model draws them by frequency
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


def _save_npy(path, array):
    import numpy as np

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, array)
    print(path)


def _read_inputs(paths, shape):
    """`--input`: one `.npy` (uint8 or floats in [-1, 1]) or image files, as
    float32 `(n, H, W, C)` in [-1, 1] matching `shape` = `(H, W, C)`."""
    import numpy as np

    from keras_gans import utils
    from keras_gans.data import images as images_lib

    if len(paths) == 1 and paths[0].endswith(".npy"):
        images = images_lib.read_array_file(paths[0])
        if images.ndim == 3:  # (n, H, W): one channel
            images = images[..., None]
    else:
        arrays = []
        for path in paths:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"Input file not found: {path}")
            # The file's own bit depth (uint8 or uint16), scaled below by it.
            arrays.append(images_lib.read_image_array(path, channels=shape[-1]))
        if len({a.dtype for a in arrays}) > 1:  # 8- and 16-bit files mixed
            arrays = [np.asarray(utils.check_unit_range(a, "--input")) for a in arrays]
        images = np.stack(arrays)
    if images.ndim != 4 or any(
        want is not None and want != got for want, got in zip(shape, images.shape[1:])
    ):
        wanted = tuple("any" if d is None else d for d in shape)
        raise ValueError(
            f"`--input` must hold images of shape {wanted} for this model. "
            f"Received: images of shape {tuple(images.shape)}"
        )
    return utils.check_unit_range(images, "--input")


# --------------------------------------------------------------- subcommands
def cmd_sample(args):
    from keras_gans import plotting

    _check_positive("--num", args.num)
    model = _load_model(args.model)
    _draws_from_noise(model, args.model)
    labels, rows = _parse_labels(args.labels, model, args.num)
    num = args.num if labels is None else len(labels)
    kwargs = {} if args.no_ema is False else {"use_ema": False}
    images = model.generate(
        num, labels=labels, seed=args.seed, **kwargs
    )  # (n, H, W, C) in [-1, 1]
    print(plotting.save_image_grid(images, args.out, rows=rows))
    if args.npy is not None:
        _save_npy(args.npy, images)
    return 0


def cmd_translate(args):
    import numpy as np

    from keras_gans import plotting

    model = _load_model(args.model)
    _require(
        model,
        "translate",
        args.model,
        f"it draws from noise (use `{PROG} sample`)"
        if callable(getattr(model, "generate", None))
        else "it is not a keras_gans image-to-image model",
    )
    in_shape = _input_shape(model)
    inputs = _read_inputs(args.input, in_shape)
    translated = model.translate(inputs)  # (n, H, W, C) in [-1, 1]
    if in_shape[-1] == translated.shape[-1]:  # input | translated side by side
        grid = np.concatenate([inputs, translated], axis=2)
    else:
        grid = translated
    print(plotting.save_image_grid(grid, args.out))
    if args.npy is not None:
        _save_npy(args.npy, translated)
    return 0


def _input_shape(model):
    """`(H, W, C)` of the images `translate` takes (`None`: any size)."""
    shape = getattr(model, "sample_shape", None)
    height, width = (shape[0], shape[1]) if shape else (None, None)
    channels = getattr(model, "input_channels", None)
    if channels is None:
        channels = shape[-1] if shape else 3
    return (height, width, channels)


def cmd_export(args):
    from keras_gans import export

    model = _load_model(args.model)
    _require(
        model,
        "export_archive",
        args.model,
        "it is not a keras_gans model that describes its SavedModel",
    )
    options = {} if args.no_ema is False else {"use_ema": False}
    path = export.export_generator(
        model,
        args.export_dir,
        version=args.version,
        output=args.output,
        **options,
    )
    print(path)
    return 0


def cmd_evaluate(args):
    from keras_gans import metrics
    from keras_gans.presets import recipe_evaluation

    if args.real is None and (args.backbone or args.resize or args.allow_small_sets):
        raise ValueError(
            "--backbone, --resize and --allow-small-sets choose the FID protocol "
            "against a real set: pass --real DIR too."
        )
    if args.num is None:
        args.num = 1000 if args.real is None else metrics.INCEPTION_2015_MIN_FID_SAMPLES
    _check_positive("--num", args.num)
    model = _load_model(args.model)
    _draws_from_noise(model, args.model)
    if args.real is not None:
        return _evaluate_against_real(model, args)
    digit_shape = (*getattr(metrics, "IMAGE_SIZE", (28, 28)), 1)
    shape = tuple(model.sample_shape)
    padded = shape == (32, 32, 1)  # digits padded to 32x32: PGGAN, StyleGAN2
    if shape != digit_shape and not padded:
        raise ValueError(
            "`evaluate` judges digits with the shipped digit classifier, which "
            f"needs {'x'.join(map(str, digit_shape))} (or 32x32x1 padded) images. "
            f"Received: a model drawing {shape} images ({args.model})"
        )
    labels, num = None, args.num
    conditional = getattr(model, "num_classes", None) is not None
    if getattr(model, "labels_are_classes", conditional):
        # num // num_classes of each class: 100 per class for the default 1000.
        labels, _ = _parse_labels("per_class", model, args.num)
        num = len(labels)
    images = model.generate(num, labels=labels, seed=args.seed)
    images = recipe_evaluation.to_classifier_size(images) if padded else images
    report = metrics.digit_report(images, labels)
    from keras_gans.training import coverage

    covered = coverage.sample_coverage(images)
    report["classes_covered"] = covered["classes_covered"]
    report["collapsed"] = coverage.is_collapsed(covered)
    print(json.dumps(report, indent=2))
    if report["collapsed"]:
        print(
            f"warning: {args.model} looks collapsed: class entropy "
            f"{covered['class_entropy']:.3f} nats (below "
            f"{coverage.MIN_CLASS_ENTROPY:.2f}; ln 10 = 2.30 when every digit "
            f"is drawn evenly), {covered['classes_covered']} of 10 classes drawn.",
            file=sys.stderr,
        )
    return 0


def _evaluate_against_real(model, args):
    """The FID of `model` against a folder of real images (its statistics
    cached), with the protocol beside the figure."""
    import keras_gans

    if not os.path.isdir(args.real):
        raise ValueError(f"--real must be a folder of images. Received: {args.real!r}")
    results = keras_gans.evaluate(
        model,
        args.real,
        metrics=["fid"],
        num_samples=args.num,
        batch_size=50,
        seed=args.seed,
        backbone=args.backbone or "keras_inception_v3",
        resize=args.resize,
        allow_small_sets=args.allow_small_sets,
    )
    protocol = results["protocol"]
    print(json.dumps(results, indent=2))
    print(
        f"FID {results['fid']:.3f} "
        f"({protocol['backbone']}, {protocol['resize']} resize, "
        f"{protocol['num_samples']} generated vs {protocol['num_real_samples']} "
        f"real from {protocol['reference']})"
    )
    return 0


def cmd_presets(args):
    from keras_gans.models import registry

    for row in registry.list_presets():
        figures = ", ".join(
            f"{k} {v:g}" if isinstance(v, (int, float)) else f"{k} -"
            for k, v in row["figures"].items()
        )
        weights = "weights" if row["has_weights"] else "no weights"
        print(f"{row['name']:<16} {row['class']:<15} {weights:<10} {figures}")
        print(f"{'':<16} {row['description']}")
        if row["bars"]:
            bars = ", ".join(f"{k} {op} {v:g}" for k, (op, v) in row["bars"].items())
            misses = registry.bar_misses(row["figures"], row["bars"])
            verdict = f"BELOW BAR: {'; '.join(misses)}" if misses else "all met"
            if not row["has_weights"]:
                verdict = "no weights"
            print(f"{'':<16} bars: {bars} ({verdict})")
        measured = row.get("measured") or {}
        if measured:
            print(
                f"{'':<16} measured {measured.get('date')}: "
                f"{measured.get('num_samples')} samples (FD: "
                f"{measured.get('num_samples_fd')}), seed {measured.get('seed')}, "
                f"classifier {measured.get('classifier_sha256')}"
            )
    return 0


def cmd_train(args):
    from keras_gans.models import registry
    from keras_gans.presets import runner

    if args.preset is None:
        raise ValueError(
            f"Name a preset. Presets: {', '.join(registry.preset_names())}"
        )
    name = registry.resolve_name(args.preset)
    argv = list(args.preset_args) + (["--verbose"] if args.verbose else [])
    runner.run_preset(name, argv, parser_class=_Parser)
    return 0


# ------------------------------------------------- interpolate (issue 17)
def cmd_interpolate(args):
    from keras_gans import latent, plotting

    model = _load_model(args.model)
    labels = None
    if args.labels:
        try:
            labels = [int(x) for x in args.labels.split(",")]
        except ValueError:
            raise UsageError(f"--labels must be class ids like 3,8: {args.labels!r}")
    images = latent.latent_walk(
        model,
        steps=args.steps,
        labels=labels,
        seed=args.seed,
        method=args.method,
        truncation=args.truncation,
    )
    if str(args.out).lower().endswith(".png"):
        print(plotting.save_image_grid(images, args.out, cols=args.steps))
    else:
        print(plotting.save_gif(images, args.out, scale=args.scale))
    if args.grid:
        print(plotting.save_image_grid(images, args.grid, cols=args.steps))
    return 0


def _add_interpolate(sub):
    p = sub.add_parser("interpolate", help="a latent (or class) walk as a GIF")
    _add_model(p)
    p.add_argument("--out", required=True, help="walk.gif (or a .png grid)")
    p.add_argument("--labels", default=None, help="class ids, e.g. 3,8 (a class walk)")
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


if __name__ == "__main__":
    sys.exit(main())
