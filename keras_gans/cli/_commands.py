"""The `keras-gans` subcommands: each `cmd_*(args)` runs one and returns its
exit code (the parser and the one-line error handling are in `cli/__init__`)."""

import json
import os
import sys

from keras_gans.cli._inputs import (
    PROG,
    UsageError,
    _check_positive,
    _draws_from_noise,
    _load_model,
    _parse_labels,
    _Parser,
    _read_inputs,
    _require,
    _save_npy,
)


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
