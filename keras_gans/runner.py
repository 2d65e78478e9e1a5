"""The train → sample → checkpoint → save → export loop presets, recipes and
the CLI share.

`run_preset(name, argv)` trains a preset (`keras_gans.presets`) from its
recipe with the shared command line (`preset_parser`): it builds the data
and the model, then calls `fit_and_export`; `recipes/*.py` and
`keras-gans train` are thin entry points to it.

`fit_and_export(model, dataset, out_dir, epochs)` writes, under `out_dir`:

- `samples/samples_epoch_NNN.png`: a grid of generated images per epoch,
  always from the same noise (and one row per class for conditional models);
- `losses.png` and `losses.json`: the per-epoch loss curves;
- `backup/`: a `keras.callbacks.BackupAndRestore` checkpoint written at the
  end of every epoch (G, D, both optimizers, the random stream). A run that
  is interrupted and started again with the same `out_dir` resumes from the
  last finished epoch; the folder is removed when training ends;
- `model.keras`: the whole trained model, loadable with
  `keras.saving.load_model` and trainable further;
- `saved_model/<version>/`: the generator as a SavedModel for TensorFlow
  Serving (`keras_gans.export.export_generator`);
- `metrics.json`: training time, throughput and whatever `evaluate` returns.

Under `MultiWorkerMirroredStrategy` training runs through
`keras_gans.distribute.fit` (Keras' `fit` does not run there), and only the
chief writes to `out_dir`; the other workers write to a temporary folder that
is removed at the end.
"""

import json
import os
import pathlib
import shutil
import tempfile
import time

import keras
import tensorflow as tf

from keras_gans import callbacks as callbacks_lib
from keras_gans import distribute
from keras_gans import export as export_lib

__all__ = [
    "fit_and_export",
    "preset_parser",
    "preset_recipe",
    "recipe_parser",
    "run_preset",
    "strategy_for_recipe",
]


class _Timer(keras.callbacks.Callback):
    """Wall-clock seconds and batches of each epoch of `fit`."""

    def __init__(self):
        super().__init__()
        self.epoch_seconds = []
        self.epoch_steps = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self.epoch_steps.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.epoch_steps[-1] += 1

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)

    def images_per_second(self, batch_size):
        """Throughput after the first epoch (which includes compilation)."""
        seconds, steps = self.epoch_seconds, self.epoch_steps[: len(self.epoch_seconds)]
        if len(seconds) > 1:
            seconds, steps = seconds[1:], steps[1:]
        return sum(steps) * batch_size / sum(seconds) if sum(seconds) else None


def fit_and_export(
    model,
    dataset,
    out_dir,
    epochs,
    grid_labels=None,
    num_samples=100,
    batch_size=None,
    evaluate=None,
    callbacks=(),
    verbose=2,
    steps_per_epoch=None,
    sample_grid=None,
    eval_every=0,
    eval_metrics=None,
    eval_real=None,
    tensorboard=False,
):
    """Trains `model` on `dataset` and writes every artefact of a run.

    Args:
        model: a compiled `AdversarialModel`.
        dataset: a `tf.data.Dataset` as `model.fit` takes it.
        out_dir: str or path-like. Folder for all outputs (created).
        epochs: int. Number of epochs.
        grid_labels: `None` or `"per_class"`, see `callbacks.SampleGrid`.
        num_samples: int. Images per sample grid.
        batch_size: int or `None`. Only used to report images/second
            (measured after the first epoch, which includes compilation).
        evaluate: callable `model -> dict` or `None`. Its results (plain
            numbers) go into `metrics.json` and the returned dict.
        callbacks: extra Keras callbacks.
        verbose: int. `fit` verbosity.
        steps_per_epoch: int or `None`. Batches per epoch (`None`: the
            whole dataset); small values make quick smoke runs.
        sample_grid: a callback that replaces the default `SampleGrid`
            (e.g. `callbacks.TranslationGrid` for image-to-image models).
        eval_every: int. With N > 0, a `callbacks.Evaluate` computes sample
            metrics every N epochs into the logs (`val_digit_fd`, ...; in
            `losses.json` too); the last values and `eval_seconds` go into
            `metrics.json`. For a model that does not draw digits shaped like the embedded ones,
            with neither `eval_metrics` nor `eval_real` given, it runs
            `evaluate` instead (its numbers as `val_<key>`). 0: off.
        eval_metrics: metric names (`keras_gans.evaluation.METRICS`) or
            `None`: `digit_fd` plus `label_accuracy` (conditional models) or
            `class_entropy`, for models drawing such digits.
        eval_real: real images for `Evaluate`, or `None`: the embedded
            digits of `evaluation.digit_reference()` (2500 samples, drawn
            with those digits' labels for conditional models).
        tensorboard: bool. Write TensorBoard logs under `out_dir/logs`:
            every epoch log as a scalar (losses, `val_*` metrics, PGGAN
            `resolution`/`alpha`, ADA `augment_p`, `images_per_second`) and
            the sample grids as images (`run_preset` turns it on unless
            `--no-tensorboard`).

    Returns:
        dict: the contents of `metrics.json`.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be an int >= 1. Received: epochs={epochs!r}")
    strategy = model.distribute_strategy
    chief = distribute.is_chief(strategy)
    out = pathlib.Path(
        out_dir if chief else tempfile.mkdtemp(prefix="keras_gans_worker_")
    )
    out.mkdir(parents=True, exist_ok=True)
    timer = _Timer()
    if sample_grid is None:
        sample_grid = callbacks_lib.SampleGrid(
            out / "samples", num_samples=num_samples, labels=grid_labels, seed=0
        )
    eval_callbacks = _evaluate_callbacks(
        model, eval_every, eval_metrics, eval_real, evaluate
    )
    fit_callbacks = [
        timer,  # first: epoch times leave out evaluation and file writing
        *eval_callbacks,  # before LossCurves, so losses.json has val_* too
        sample_grid,
        callbacks_lib.LossCurves(out / "losses.png"),
        keras.callbacks.BackupAndRestore(os.fspath(out / "backup")),
        *callbacks,
    ]
    if tensorboard:  # issue 17: last, so it logs what the others added
        fit_callbacks += _tensorboard_callbacks(out, sample_grid, batch_size)
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        distribute.fit(
            model,
            dataset,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            verbose=verbose,
            callbacks=fit_callbacks,
        )
    else:
        model.fit(
            dataset,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            shuffle=False,  # the pipeline shuffles; Keras warns on shuffle=True
            verbose=verbose,
            callbacks=fit_callbacks,
        )
    model.save(out / "model.keras")
    export_dir = export_lib.export_generator(model, out / "saved_model")
    results = {
        "epochs": epochs,
        "train_seconds": round(sum(timer.epoch_seconds), 2),
        "steps": sum(timer.epoch_steps),
        "model_file": os.fspath(out / "model.keras"),
        "saved_model": os.fspath(export_dir),
    }
    if batch_size and timer.epoch_seconds:
        results["images_per_second"] = round(timer.images_per_second(batch_size), 1)
    for callback in eval_callbacks:
        history = callback.history
        results["eval_seconds"] = round(sum(history["seconds"]), 2)
        results.update(
            {k: v[-1] for k, v in history.items() if k not in ("epoch", "seconds")}
        )
    if evaluate is not None:
        results.update(evaluate(model))
    with open(out / "metrics.json", "w") as f:
        json.dump(results, f, indent=2)
    if not chief:
        shutil.rmtree(out, ignore_errors=True)
    return results


def _tensorboard_callbacks(out, sample_grid, batch_size):
    """Scalars (every epoch log: losses, val_* metrics, PGGAN resolution and
    alpha, ADA's augment_p, images/s) and the sample grids under `out/logs`."""
    if getattr(sample_grid, "log_dir", False) is None:
        sample_grid.log_dir = os.fspath(out / "logs")
    throughput = [callbacks_lib.Throughput(batch_size)] if batch_size else []
    return [*throughput, callbacks_lib.TensorBoardScalars(out / "logs")]


def _evaluate_callbacks(model, eval_every, eval_metrics, eval_real, evaluate=None):
    """`[callbacks.Evaluate(...)]` as `fit_and_export` sets it up, or `[]`."""
    if (
        not isinstance(eval_every, int)
        or isinstance(eval_every, bool)
        or eval_every < 0
    ):
        raise ValueError(
            f"`eval_every` must be an int >= 0. Received: eval_every={eval_every!r}"
        )
    if not eval_every:
        return []
    from keras_gans import evaluation

    conditional = getattr(model, "num_classes", None) is not None
    labels = None
    if eval_real is None:
        reference, reference_labels = evaluation.digit_reference()
        digit_shape = tuple(reference.shape[1:]) + ((1,) * (reference.ndim == 3))
        shape = tuple(model.sample_shape)
        if shape != digit_shape and eval_metrics is None and evaluate is not None:
            return [callbacks_lib.Evaluate(every=eval_every, evaluate_fn=evaluate)]
        if shape != digit_shape:
            raise ValueError(
                "`eval_real` is needed for a model that does not draw digits "
                f"like the embedded ones {digit_shape}. Received: eval_real=None "
                f"for {shape} images"
            )
        eval_real = reference
        if conditional:
            labels = reference_labels
    if eval_metrics is None:
        eval_metrics = ["digit_fd"]
        eval_metrics.append("label_accuracy" if conditional else "class_entropy")
    return [
        callbacks_lib.Evaluate(
            eval_real,
            eval_metrics,
            every=eval_every,
            num_samples=evaluation.DIGIT_REFERENCE_SIZE,
            labels=labels,
        )
    ]


def recipe_parser(description, defaults, parser_class=None):
    """The command line every recipe and `keras-gans train` share.

    Args:
        description: str. The recipe's one-line summary.
        defaults: dict with the recipe's `epochs`, `batch_size`, `seed` and
            `out` (and optionally `data_dir_help`).
        parser_class: an `argparse.ArgumentParser` subclass or `None`.

    Returns:
        An `argparse.ArgumentParser` with `--epochs`, `--batch-size`,
        `--seed`, `--out`, `--steps-per-epoch`, `--eval-every` (pass it on as
        `fit_and_export(..., eval_every=args.eval_every)`), `--strategy`,
        `--tfds` (digits: the full TFDS MNIST instead of the embedded
        digits), `--data-dir`, `--mixed-precision` and `--verbose`.
    """
    import argparse

    parser = (parser_class or argparse.ArgumentParser)(description=description)
    parser.add_argument("--epochs", type=int, default=defaults["epochs"])
    parser.add_argument("--batch-size", type=int, default=defaults["batch_size"])
    parser.add_argument("--seed", type=int, default=defaults["seed"])
    parser.add_argument(
        "--out", default=defaults["out"], help=f"output folder ({defaults['out']})"
    )
    parser.add_argument(
        "--tfds",
        action="store_true",
        help="train on TFDS 'mnist' (60000 digits) instead of the embedded 5000",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help=defaults.get("data_dir_help", "TFDS data folder (with --tfds)"),
    )
    parser.add_argument(
        "--steps-per-epoch",
        type=int,
        default=None,
        help="batches per epoch (default: the whole dataset or schedule); for "
        "quick smoke runs",
    )
    parser.add_argument(  # issue 17
        "--no-tensorboard",
        action="store_true",
        help="skip the TensorBoard logs (scalars and sample images in OUT/logs)",
    )
    parser.add_argument(
        "--eval-every",
        type=int,
        default=0,
        help="compute sample metrics (digit FD, ...) every N epochs into the "
        "logs and metrics.json (default 0: off)",
    )
    parser.add_argument(
        "--strategy",
        default="default",
        choices=distribute.STRATEGIES,
        help="tf.distribute strategy; --batch-size is the global batch "
        "(multiworker reads the workers from TF_CONFIG)",
    )
    parser.add_argument(
        "--mixed-precision",
        default="off",
        choices=("off", "bf16", "fp16"),
        help="compute in bfloat16 or float16, variables in float32 (off)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's start-up logs",
    )
    return parser


def strategy_for_recipe(args):
    """The `tf.distribute` strategy `--strategy` names; build the model in its scope."""
    return distribute.get_strategy(getattr(args, "strategy", "default"))


_TYPES = {"int": int, "float": float, "str": str}


def _get_path(tree, path):
    for key in path.split("."):
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def _set_path(tree, path, value):
    *parents, last = path.split(".")
    for key in parents:
        tree = tree.setdefault(key, {})
    tree[last] = value


def _flag_dest(flag):
    return "preset_" + flag["flag"].lstrip("-").replace("-", "_")


def preset_parser(name, parser_class=None):
    """The command line of preset `name`: `recipe_parser`'s flags with the
    preset's defaults, plus the extra flags its recipe declares (e.g. cgan's
    `--architecture`, pggan's `--kimg-per-phase`)."""
    from keras_gans import presets

    preset = presets.get(name)
    recipe = preset["recipe"]
    parser = recipe_parser(
        f"Train the {preset['name']} preset: {preset['description']}.",
        recipe,
        parser_class,
    )
    for flag in recipe.get("flags", ()):
        targets = flag["target"]
        targets = [targets] if isinstance(targets, str) else targets
        default = flag.get("default", _get_path(recipe, targets[0]))
        kind = _TYPES[flag["type"]] if "type" in flag else type(default)
        parser.add_argument(
            flag["flag"],
            dest=_flag_dest(flag),
            type=kind,
            default=default,
            choices=flag.get("choices"),
            help=flag.get("help", f"({default})"),
        )
    return parser


def _check_args(args):
    for flag, value, minimum in (
        ("--epochs", args.epochs, 1),
        ("--batch-size", args.batch_size, 1),
        ("--steps-per-epoch", args.steps_per_epoch, 1),
        ("--eval-every", args.eval_every, 0),
    ):
        if value is not None and value < minimum:
            raise ValueError(f"`{flag}` must be >= {minimum}. Received: {value}")
    kimg = getattr(args, "preset_kimg_per_phase", None)
    if kimg is not None and not kimg > 0:
        raise ValueError(f"`--kimg-per-phase` must be > 0. Received: {kimg}")


def preset_recipe(name, args):
    """The recipe of preset `name` with the command line `args` applied."""
    from keras_gans import presets

    recipe = presets.get(name)["recipe"]
    recipe.update(
        epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, out=args.out
    )
    for flag in recipe.get("flags", ()):
        value = getattr(args, _flag_dest(flag))
        if value is None:
            continue
        targets = flag["target"]
        for target in [targets] if isinstance(targets, str) else targets:
            _set_path(recipe, target, value)
    return recipe


def run_preset(name, argv=None, parser_class=None):
    """Trains preset `name` as its recipe says, with the command line `argv`.

    Builds the data and the model from the preset's recipe (with the flags
    of `preset_parser(name)` applied), trains it with `fit_and_export`
    (sample grids, loss curves, backup, `model.keras`, SavedModel), writes
    the recipe's evaluation into `metrics.json` and prints it as one JSON
    line.

    Args:
        name: str. A preset name, or an old recipe name such as `cgan_mnist`.
        argv: list of str or `None` (`sys.argv[1:]`).
        parser_class: an `argparse.ArgumentParser` subclass or `None`.

    Returns:
        dict: the contents of `metrics.json`.

    Raises:
        ValueError: an unknown preset or a bad argument value.
    """
    import sys

    from keras_gans import presets, recipe_evaluation

    preset = presets.get(name)
    name = preset["name"]
    args = preset_parser(name, parser_class).parse_args(argv)
    _check_args(args)
    recipe = preset_recipe(name, args)
    keras.utils.set_random_seed(recipe["seed"])
    dataset, context = presets.build_dataset(
        recipe, tfds=args.tfds, data_dir=args.data_dir
    )
    overrides = {}
    if presets.MIXED_PRECISION[args.mixed_precision] is not None:
        overrides["dtype"] = presets.MIXED_PRECISION[args.mixed_precision]
    with strategy_for_recipe(args).scope():
        model = presets.build(name, recipe=recipe, **overrides)
    out = recipe["out"]
    extra_callbacks, steps_per_epoch = presets.schedule_callbacks(
        recipe, model, out, args.steps_per_epoch
    )
    results = fit_and_export(
        model,
        dataset,
        out,
        recipe["epochs"],
        grid_labels=recipe["grid"].get("labels"),
        batch_size=recipe["batch_size"],
        evaluate=recipe_evaluation.make_evaluation(recipe["evaluation"], context),
        callbacks=extra_callbacks,
        verbose="auto" if sys.stdout.isatty() else 2,
        steps_per_epoch=steps_per_epoch,
        sample_grid=presets.sample_grid(recipe, context, out),
        eval_every=args.eval_every,
        tensorboard=not args.no_tensorboard,
    )
    print(json.dumps(results))
    return results
