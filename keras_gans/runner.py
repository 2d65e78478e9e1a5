"""The train → sample → checkpoint → save → export loop the recipes share.

`fit_and_export(model, dataset, out_dir, epochs)` is what every recipe's
`main()` calls after building its model and data. It writes, under
`out_dir`:

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
    "digits_for_recipe",
    "fit_and_export",
    "recipe_parser",
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
            `metrics.json`. For a model that does not draw 28x28x1 digits,
            with neither `eval_metrics` nor `eval_real` given, it runs
            `evaluate` instead (its numbers as `val_<key>`). 0: off.
        eval_metrics: metric names (`keras_gans.evaluation.METRICS`) or
            `None`: `digit_fd` plus `label_accuracy` (conditional models) or
            `class_entropy`, for models drawing 28x28x1 digits.
        eval_real: real images for `Evaluate`, or `None`: the embedded
            digits of `evaluation.digit_reference()` (2500 samples, drawn
            with those digits' labels for conditional models).

    Returns:
        dict: the contents of `metrics.json`.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be an int >= 1. Received: epochs={epochs!r}")
    strategy = model.distribute_strategy
    chief = distribute.is_chief(strategy)
    out = pathlib.Path(out_dir if chief else tempfile.mkdtemp(prefix="keras_gans_worker_"))
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
        shape = _sample_shape(model)
        if shape != (28, 28, 1) and eval_metrics is None and evaluate is not None:
            return [callbacks_lib.Evaluate(every=eval_every, evaluate_fn=evaluate)]
        if shape != (28, 28, 1):
            raise ValueError(
                "`eval_real` is needed for a model that does not draw 28x28x1 "
                f"digits. Received: eval_real=None for {shape} images"
            )
        eval_real, reference_labels = evaluation.digit_reference()
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


def _sample_shape(model):
    """`(height, width, channels)` of what the model draws now."""
    generator = model.generator
    if getattr(generator, "outputs", None):  # a functional generator
        return tuple(None if d is None else int(d) for d in generator.outputs[0].shape[1:])
    # A subclassed generator (ProgressiveGAN: its resolution changes).
    return tuple(generator.compute_output_shape((None, model.latent_dim))[1:])


def recipe_parser(description, defaults):
    """The command line every digit recipe shares.

    Args:
        description: str. The recipe's one-line summary.
        defaults: dict with the recipe's `epochs`, `batch_size`, `seed` and
            `out`.

    Returns:
        An `argparse.ArgumentParser` with `--epochs`, `--batch-size`,
        `--seed`, `--out`, `--tfds` (train on the full TFDS MNIST instead of
        the embedded digits), `--data-dir` (TFDS data folder),
        `--steps-per-epoch`, `--strategy` and `--eval-every` (pass it on as
        `fit_and_export(..., eval_every=args.eval_every)`).
    """
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=defaults["epochs"])
    parser.add_argument("--batch-size", type=int, default=defaults["batch_size"])
    parser.add_argument("--seed", type=int, default=defaults["seed"])
    parser.add_argument("--out", default=defaults["out"], help="output folder")
    parser.add_argument(
        "--tfds",
        action="store_true",
        help="train on TFDS 'mnist' (60000 digits) instead of the embedded 5000",
    )
    parser.add_argument(
        "--data-dir", default=None, help="TFDS data folder (with --tfds)"
    )
    parser.add_argument(
        "--steps-per-epoch",
        type=int,
        default=None,
        help="batches per epoch (default: the whole dataset); for quick smoke runs",
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
    return parser


def strategy_for_recipe(args):
    """The `tf.distribute` strategy `--strategy` names; build the model in its scope."""
    return distribute.get_strategy(getattr(args, "strategy", "default"))


def digits_for_recipe(args, with_labels):
    """The embedded digits, or TFDS MNIST with `--tfds`, as `args` ask."""
    from keras_gans import data

    if args.epochs < 1:
        raise ValueError(f"`--epochs` must be >= 1. Received: {args.epochs}")
    if args.tfds:
        return data.from_tfds(
            "mnist",
            batch_size=args.batch_size,
            with_labels=with_labels,
            seed=args.seed,
            data_dir=args.data_dir,
        )
    return data.digits_dataset(
        batch_size=args.batch_size, with_labels=with_labels, seed=args.seed
    )
