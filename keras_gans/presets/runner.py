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
- `checkpoints/ckpt-<step>/`: the run's checkpoint (weights of G, D and
  the EMA G with BatchNorm statistics, both optimizers, the model's random
  stream, the loss trackers, the data position, the epoch and step
  counters), written every `checkpoint_every` steps (default: every
  `DEFAULT_CHECKPOINT_SECONDS` = 300 s of training), on SIGTERM and at the
  end of training. A run that is killed at any step and started again with
  the same `out_dir` continues from the last checkpoint, and with op
  determinism on (`tf.config.experimental.enable_op_determinism()`) ends
  bit-identical to an uninterrupted run. The final checkpoint stays (a finished run's state): the same command
  with a larger `--epochs` continues it (see `fit_and_export`);
- `model.keras`: the whole trained model, loadable with
  `keras.saving.load_model` and trainable further;
- `saved_model/<version>/`: the generator as a SavedModel for TensorFlow
  Serving (`keras_gans.export.export_generator`);
- `metrics.json`: training time, throughput and whatever `evaluate` returns;
- `.lock`: the PID of the run writing to `out_dir` while it runs; a second
  run on the same folder refuses (`checkpointing.RunLockedError`, a
  `ValueError`), a lock left by a dead process is taken over.

When things go wrong:

- SIGTERM (a preemption) finishes the current step, writes a checkpoint,
  prints where it stopped and returns `{"preempted": True, ...}` without
  writing the final artifacts; the same command resumes.
- A non-finite loss or weight stops training at once (a
  `checkpointing.DivergenceGuard`, on by default): `DivergedError` (a
  `ValueError`) names the step, the last finite checkpoint is kept and
  nothing is saved or exported.
- `model.keras`, `metrics.json` and the SavedModel version folder are
  written under a temporary name and renamed: a kill during a write leaves
  the previous version whole.

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

from keras_gans import export as export_lib
from keras_gans import utils
from keras_gans.presets.run_options import (
    _check_args,
    preset_parser,
    preset_recipe,
    recipe_parser,
    strategy_for_recipe,
)
from keras_gans.training import callbacks as callbacks_lib
from keras_gans.training import checkpointing, coverage, devices, distribute, run_folder

__all__ = [
    "DEFAULT_CHECKPOINT_SECONDS",
    "DivergedError",
    "fit_and_export",
    "preset_parser",
    "preset_recipe",
    "recipe_parser",
    "run_preset",
    "strategy_for_recipe",
]


DivergedError = checkpointing.DivergedError

DEFAULT_CHECKPOINT_SECONDS = checkpointing.DEFAULT_CHECKPOINT_SECONDS


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
    checkpoint_every=None,
    divergence_guard=True,
    tensorboard=False,
    fresh=False,
    allow_batch_size_change=False,
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
        checkpoint_every: int or `None`. Write a checkpoint every N train
            steps; `None`: every `DEFAULT_CHECKPOINT_SECONDS` of training.
            (Not under `MultiWorkerMirroredStrategy`, which does not resume.)
        divergence_guard: bool. Stop at the first non-finite loss or weight
            (`checkpointing.DivergenceGuard`).
        tensorboard: bool. Write TensorBoard logs under `out_dir/logs`:
            every epoch log as a scalar (losses, `val_*` metrics, PGGAN
            `resolution`/`alpha`, ADA `augment_p`, `images_per_second`) and
            the sample grids as images (`run_preset` turns it on unless
            `--no-tensorboard`).
        fresh: bool. Start over in an `out_dir` that holds a run: its
            checkpoints go, its `model.keras` is kept as
            `model.keras.bak-<time>`.
        allow_batch_size_change: bool. Continue a run that was started with
            another `batch_size` (logged); otherwise that is a `ValueError`.

    A run records what it was started with in `out_dir/run.json` (model
    class and config, batch size, steps per epoch) and keeps its final
    checkpoint, so the same call with more `epochs` continues a finished run
    from where it ended (its earlier `model.keras` kept as
    `model-epoch-NNN.keras`), and with the same `epochs` does nothing and
    returns its `metrics.json`. A folder started by another model or config
    is refused in one line naming what differs, before anything is loaded.

    Returns:
        dict: the contents of `metrics.json`; after a SIGTERM,
        `{"preempted": True, "epoch", "step", "global_step", "checkpoint"}`.

    Raises:
        DivergedError: a loss or weight became non-finite (the message
            names the step and the last finite checkpoint).
        checkpointing.RunLockedError: another live run writes to `out_dir`.
        ValueError: `out_dir` holds a run of another model, config or batch
            size, or a finished run that cannot be continued (see `fresh`).
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be an int >= 1. Received: epochs={epochs!r}")
    if checkpoint_every is not None:
        checkpoint_every = utils.check_int(
            "checkpoint_every", checkpoint_every, minimum=1
        )
    strategy = model.distribute_strategy
    chief = distribute.is_chief(strategy)
    out = pathlib.Path(
        out_dir if chief else tempfile.mkdtemp(prefix="keras_gans_worker_")
    )
    with checkpointing.RunLock(out):
        results = _fit_and_export(
            model,
            dataset,
            out,
            epochs,
            grid_labels=grid_labels,
            num_samples=num_samples,
            batch_size=batch_size,
            evaluate=evaluate,
            callbacks=callbacks,
            verbose=verbose,
            steps_per_epoch=steps_per_epoch,
            sample_grid=sample_grid,
            eval_every=eval_every,
            eval_metrics=eval_metrics,
            eval_real=eval_real,
            checkpoint_every=checkpoint_every,
            divergence_guard=divergence_guard,
            tensorboard=tensorboard,
            fresh=fresh,
            allow_batch_size_change=allow_batch_size_change,
        )
    if not chief:
        shutil.rmtree(out, ignore_errors=True)
    return results


def _fit_and_export(
    model,
    dataset,
    out,
    epochs,
    grid_labels,
    num_samples,
    batch_size,
    evaluate,
    callbacks,
    verbose,
    steps_per_epoch,
    sample_grid,
    eval_every,
    eval_metrics,
    eval_real,
    checkpoint_every,
    divergence_guard,
    tensorboard,
    fresh=False,
    allow_batch_size_change=False,
):
    strategy = model.distribute_strategy
    record = run_folder.run_record(model, batch_size, steps_per_epoch)
    finished, continued_from = run_folder.prepare(
        out, record, epochs, fresh, allow_batch_size_change
    )
    if finished is not None:
        return finished
    timer = _Timer()
    if sample_grid is None:
        sample_grid = callbacks_lib.SampleGrid(
            out / "samples", num_samples=num_samples, labels=grid_labels, seed=0
        )
    eval_callbacks = _evaluate_callbacks(
        model, eval_every, eval_metrics, eval_real, evaluate
    )
    guard = [checkpointing.DivergenceGuard()] if divergence_guard else []
    # Mode coverage of a fixed sample about ten times a run, for noise ->
    # image models: logged as coverage_* and warned about when it collapses.
    monitor = []
    if hasattr(model, "generate") and getattr(model, "latent_dim", None):
        monitor = [
            coverage.CollapseMonitor(num_samples=500, every=max(1, epochs // 10))
        ]
    fit_callbacks = [
        timer,  # first: epoch times leave out evaluation and file writing
        *guard,  # before any callback can see (and save) a diverged state
        *eval_callbacks,  # before LossCurves, so losses.json has val_* too
        *monitor,
        sample_grid,
        callbacks_lib.LossCurves(out / "losses.png"),
        *callbacks,
    ]
    if tensorboard:  # last, so it logs what the others added
        fit_callbacks += _tensorboard_callbacks(out, sample_grid, batch_size)
    checkpoint = None
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        checkpoint = checkpointing.TrainingCheckpoint(
            out / "checkpoints",
            every_steps=checkpoint_every,
            every_seconds=DEFAULT_CHECKPOINT_SECONDS,
        )
    try:
        distribute.fit(
            model,
            dataset,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            verbose=verbose,
            callbacks=fit_callbacks,
            checkpoint=checkpoint,
        )
    except DivergedError as e:
        kept = checkpoint and checkpoint.last_path
        where = f"the last finite checkpoint is {kept}" if kept else "no checkpoint"
        raise DivergedError(
            f"{e} Nothing was saved or exported; {where}.", step=e.step
        ) from None
    stopped = model.stopped_at
    if stopped["preempted"]:
        print(
            f"Stopped by SIGTERM after epoch {stopped['epoch'] + 1}, step "
            f"{stopped['step']} (train step {stopped['global_step']}); "
            f"checkpoint {checkpoint.last_path}. Run the same command to resume.",
            flush=True,
        )
        return {"preempted": True, **stopped, "checkpoint": checkpoint.last_path}
    if (out / "model.keras").is_file() and continued_from is not None:
        # A finished run continued: its earlier model stays beside the new one.
        os.replace(out / "model.keras", out / f"model-epoch-{continued_from:03d}.keras")
    with checkpointing.atomic_path(out / "model.keras") as tmp:
        model.save(tmp)
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
    for callback in monitor:
        results.update({k: v[-1] for k, v in callback.history.items() if k != "epoch"})
    if evaluate is not None:
        results.update(evaluate(model))
    checkpointing.write_json(out / "metrics.json", results)
    # The final checkpoint stays: the same run with more epochs continues it.
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
    from keras_gans.metrics import evaluation

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


def run_preset(name, argv=None, parser_class=None):
    """Trains preset `name` as its recipe says, with the command line `argv`.

    Builds the data and the model from the preset's recipe (with the flags
    of `preset_parser(name)` applied), trains it with `fit_and_export`
    (sample grids, loss curves, checkpoints, `model.keras`, SavedModel), writes
    the recipe's evaluation into `metrics.json` and prints it as one JSON
    line.

    Args:
        name: str. A preset name, or an old recipe name such as `cgan_mnist`.
        argv: list of str or `None` (`sys.argv[1:]`).
        parser_class: an `argparse.ArgumentParser` subclass or `None`.

    Returns:
        dict: the contents of `metrics.json`.

    Raises:
        ValueError: an unknown preset or a bad argument value;
            `checkpointing.RunLockedError` when another live run writes to
            `--out` (checked before anything is built); `DivergedError`.
    """
    import sys

    from keras_gans import presets
    from keras_gans.presets import recipe_evaluation

    preset = presets.get(name)
    name = preset["name"]
    args = preset_parser(name, parser_class).parse_args(argv)
    _check_args(args)
    recipe = preset_recipe(name, args)
    # Before anything runs: the pool is fixed once TensorFlow's runtime starts.
    devices.set_cpu_intra_op_threads(recipe.get("cpu_intra_op_threads"))
    strategy = strategy_for_recipe(args)
    lock = checkpointing.RunLock(recipe["out"])
    if distribute.is_chief(strategy):
        lock.acquire()  # before the data and model: a second run refuses at once
    try:
        keras.utils.set_random_seed(recipe["seed"])
        dataset, context = presets.build_dataset(
            recipe, tfds=args.tfds, data_dir=args.data_dir
        )
        overrides = {}
        if presets.MIXED_PRECISION[args.mixed_precision] is not None:
            overrides["dtype"] = presets.MIXED_PRECISION[args.mixed_precision]
            devices.warn_if_slow_precision(overrides["dtype"])
        with strategy.scope():
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
            checkpoint_every=args.checkpoint_every,
            divergence_guard=not args.no_divergence_guard,
            tensorboard=not args.no_tensorboard,
            fresh=args.fresh,
            allow_batch_size_change=args.allow_batch_size_change,
        )
    finally:
        lock.release()
    print(json.dumps(results))
    return results
