"""Model-agnostic Keras callbacks that record a GAN's progress as files.

- `SampleGrid`: every few epochs, a PNG grid of samples drawn from the same
  fixed noise, so successive grids show the generator's progress.
- `TranslationGrid`: every few epochs, input | translated | target
  triplets of an image-to-image model.
- `LossCurves`: after every epoch, a PNG of the logged losses and the same
  numbers as JSON, so an interrupted run still has its curves.
- `Evaluate`: every few epochs, sample metrics (digit FD, FID, KID, label
  accuracy, ...) into the epoch logs as `val_<metric>`.
- `CollapseMonitor` (from `keras_gans.coverage`): every few epochs, the mode
  coverage of a fixed sample as `coverage_<key>`, with a warning when it
  collapses.

They ask the model only for the methods of the one model API:
`generate(n, labels=None, seed=None)` returning images in [-1, 1] and a
`num_classes` attribute (`None` when unconditional) for noise-to-image
models, `translate(images)` for image-to-image models.
"""

import json
import numbers
import os
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import plotting, utils
from keras_gans.metrics import evaluation
from keras_gans.training import summaries
from keras_gans.training.coverage import CollapseMonitor
from keras_gans.training.summaries import TensorBoardScalars, Throughput

__all__ = [
    "CollapseMonitor",
    "Evaluate",
    "LossCurves",
    "SampleGrid",
    "TensorBoardScalars",
    "Throughput",
    "TranslationGrid",
]


def _replace_atomically(write, path):
    """Calls `write(tmp_path)`, then moves the result onto `path` (through
    `tf.io.gfile`: local or `gs://`-style paths)."""
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        write(tmp)
        tf.io.gfile.rename(tmp, path, overwrite=True)
    finally:
        if tf.io.gfile.exists(tmp):
            tf.io.gfile.remove(tmp)
    return path


class SampleGrid(keras.callbacks.Callback):
    """Saves a grid of generated samples at the end of every `every`-th epoch.

    Each grid is drawn with `model.generate(n, labels=labels, seed=seed)`.
    With a fixed int `seed` every grid comes from the same noise (and the same
    labels), so the grids of successive epochs show how the generator
    changes. Files are named by `filename.format(epoch=...)` with 1-based
    epoch numbers, and the paths written are kept in `self.paths`.

    Args:
        out_dir: str or path-like. Folder for the PNG files (created).
        num_samples: int. Number of images per grid. With
            `labels="per_class"` on a conditional model the grid has
            `num_classes * max(1, num_samples // num_classes)` images.
        labels: `None`, `"per_class"` or an int array `(num_samples,)`.
            `None` is for unconditional models. `"per_class"` draws one row
            per class, `num_samples // num_classes` images (at least one)
            each; on an unconditional model it means `None`. An array gives
            the labels of a conditional model explicitly.
        seed: int or `None`. Noise seed passed to `generate`; `None` draws
            new noise every time.
        every: int. Save a grid every `every` epochs.
        filename: str. File name pattern, formatted with `epoch` (1-based).
        rows: int or `None`. Grid rows; inferred (square-ish) when `None`.
            Not allowed with `labels="per_class"`, which sets one row per
            class.
        log_dir: str or `None`. Also write each grid as a TensorBoard image
            summary `samples` (step = epoch) under `log_dir/images`.

    Example:

    ```python
    model.fit(
        dataset,
        epochs=20,
        callbacks=[keras_gans.callbacks.SampleGrid("runs/cgan", labels="per_class")],
    )
    # runs/cgan/samples_epoch_001.png ... samples_epoch_020.png
    ```
    """

    def __init__(
        self,
        out_dir,
        num_samples=64,
        labels=None,
        seed=0,
        every=1,
        filename="samples_epoch_{epoch:03d}.png",
        rows=None,
        log_dir=None,
    ):
        super().__init__()
        utils.check_int("num_samples", num_samples, minimum=1)
        utils.check_int("every", every, minimum=1)
        if rows is not None:
            utils.check_int("rows", rows, minimum=1)
        if seed is not None and not utils.is_int(seed):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
        if isinstance(labels, str):
            if labels != "per_class":
                raise ValueError(
                    "`labels` must be None, 'per_class' or an int array. "
                    f"Received: labels={labels!r}"
                )
            if rows is not None:
                raise ValueError(
                    "`rows` cannot be set with labels='per_class', which draws "
                    f"one row per class. Received: rows={rows}"
                )
        elif labels is not None:
            labels = np.asarray(labels)
            if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
                raise ValueError(
                    "`labels` must be a 1-D int array. Received: labels with "
                    f"shape={labels.shape}, dtype={labels.dtype}"
                )
            if len(labels) != num_samples:
                raise ValueError(
                    f"`labels` must have `num_samples`={num_samples} entries. "
                    f"Received: {len(labels)} labels"
                )
        try:
            filename.format(epoch=1)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(
                "`filename` must be a format string with only an `epoch` field. "
                f"Received: filename={filename!r} ({e!r})"
            ) from None
        self.out_dir = os.fspath(out_dir)
        self.num_samples = num_samples
        self.labels = labels
        self.seed = seed
        self.every = every
        self.filename = filename
        self.rows = rows
        self.paths = []
        self.log_dir = None if log_dir is None else os.fspath(log_dir)

    def _labels_and_grid(self):
        """Returns `(n, labels, rows, cols)` for the current model."""
        num_classes = getattr(self.model, "num_classes", None)
        if isinstance(self.labels, str):  # "per_class"
            if num_classes is None:
                return self.num_samples, None, None, None
            cols = max(1, self.num_samples // num_classes)
            labels = np.repeat(np.arange(num_classes, dtype=np.int32), cols)
            return len(labels), labels, num_classes, cols
        return self.num_samples, self.labels, self.rows, None

    def on_train_begin(self, logs=None):
        if not callable(getattr(self.model, "generate", None)):
            raise ValueError(
                "SampleGrid needs a model with a `generate(n, labels, seed)` "
                f"method. Received: model of type {type(self.model).__name__}"
            )
        num_classes = getattr(self.model, "num_classes", None)
        # A model whose labels are cluster ids draws them itself.
        draws_labels = not getattr(self.model, "labels_are_classes", True)
        if num_classes is not None and self.labels is None and not draws_labels:
            raise ValueError(
                f"The model is conditional (num_classes={num_classes}); pass "
                "labels='per_class' or an int array to SampleGrid."
            )
        if num_classes is None and isinstance(self.labels, np.ndarray):
            raise ValueError(
                "The model is unconditional (num_classes=None); SampleGrid "
                "`labels` must be None or 'per_class'."
            )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.save(epoch + 1)

    def save(self, epoch):
        """Draws a grid now and writes it as the file for `epoch` (1-based).

        Returns:
            The path written.
        """
        n, labels, rows, cols = self._labels_and_grid()
        images = self.model.generate(n, labels=labels, seed=self.seed)
        images = keras.ops.convert_to_numpy(images)  # (n, H, W, C) in [-1, 1]
        path = os.path.join(self.out_dir, self.filename.format(epoch=epoch))
        plotting.save_image_grid(images, path, rows=rows, cols=cols)
        summaries.image_summary(self, "samples", images, epoch, rows=rows, cols=cols)
        self.paths.append(path)
        return path


class LossCurves(keras.callbacks.Callback):
    """Records the numeric logs of each epoch as a PNG plot and a JSON file.

    At the end of every `every`-th epoch (and at the end of training) the
    plot at `path` is redrawn with `keras_gans.plotting.plot_loss_curves` and
    the numbers are written to `path` with a `.json` suffix, as
    `{"epoch": [1, 2, ...], "d_loss": [...], ...}` (1-based epochs; `null`
    where an epoch did not log a value). Both files are replaced atomically,
    so an interrupted run keeps complete curves up to its last epoch. One
    instance keeps accumulating across `fit` calls (e.g. a resumed run with
    `initial_epoch`); the numbers are also in `self.history`.

    Args:
        path: str or path-like. The PNG to write (parent folders created).
        every: int. Rewrite the files every `every` epochs.

    Example:

    ```python
    curves = keras_gans.callbacks.LossCurves("runs/dcgan/losses.png")
    model.fit(dataset, epochs=20, callbacks=[curves])
    # runs/dcgan/losses.png and runs/dcgan/losses.json
    ```
    """

    def __init__(self, path, every=1):
        super().__init__()
        utils.check_int("every", every, minimum=1)
        self.path = os.fspath(path)
        self.json_path = os.path.splitext(self.path)[0] + ".json"
        self.every = every
        self.history = {"epoch": []}
        self._unsaved = False

    def on_epoch_end(self, epoch, logs=None):
        values = {}
        for name, value in (logs or {}).items():
            if isinstance(value, bool) or np.ndim(value) != 0:
                continue
            try:
                values[str(name)] = float(value)
            except (TypeError, ValueError):
                continue
        n = len(self.history["epoch"])
        self.history["epoch"].append(epoch + 1)
        for name in values.keys() - self.history.keys():
            self.history[name] = [None] * n
        for name, series in self.history.items():
            if name != "epoch":
                series.append(values.get(name))
        self._unsaved = True
        if (epoch + 1) % self.every == 0:
            self.save()

    def on_train_end(self, logs=None):
        if self._unsaved:
            self.save()

    def save(self):
        """Writes the PNG and the JSON now. Returns the PNG path."""
        parent = os.path.dirname(self.path)
        if parent:
            tf.io.gfile.makedirs(parent)
        # NaN is not JSON; non-finite values are written as null.
        history = {
            name: [
                v if v is None or name == "epoch" or np.isfinite(v) else None
                for v in series
            ]
            for name, series in self.history.items()
        }

        def write_json(tmp):
            with tf.io.gfile.GFile(tmp, "w") as f:
                f.write(json.dumps(history, indent=1))

        _replace_atomically(write_json, self.json_path)
        if len(history) > 1:  # something besides "epoch" to plot
            _replace_atomically(
                lambda tmp: plotting.plot_loss_curves(history, tmp), self.path
            )
        self._unsaved = False
        return self.path


class TranslationGrid(keras.callbacks.Callback):
    """Saves input | translated | target triplets of an image-to-image model.

    At the end of every `every`-th epoch, `model.translate(inputs)` (e.g.
    `Pix2Pix`) is drawn between each input and its target: one triplet per
    example, `groups` triplets side by side per row. Grey images are drawn
    as RGB next to colour ones. Paths written are kept in `self.paths`.

    Args:
        out_dir: str or path-like. Folder for the PNG files (created).
        inputs: array `(n, H, W, C_in)`, float in [-1, 1] or uint8 in
            [0, 255]; other ranges are a `ValueError` (see
            `keras_gans.utils.check_unit_range`).
        targets: array `(n, H, W, C_out)`, in the same ranges.
        every: int. Save a grid every `every` epochs.
        groups: int. Triplets per row.
        filename: str. File name pattern, formatted with `epoch` (1-based).
        log_dir: str or `None`. Also write each grid as a TensorBoard image
            summary `translations` (step = epoch) under `log_dir/images`.

    Example:

    ```python
    grid = TranslationGrid("runs/p2p/samples", val_inputs[:8], val_targets[:8])
    model.fit(dataset, epochs=5, callbacks=[grid])
    ```
    """

    def __init__(
        self,
        out_dir,
        inputs,
        targets,
        every=1,
        groups=1,
        filename="translations_epoch_{epoch:03d}.png",
        log_dir=None,
    ):
        super().__init__()
        utils.check_int("every", every, minimum=1)
        utils.check_int("groups", groups, minimum=1)
        inputs = utils.check_unit_range(inputs, "inputs")  # float32 in [-1, 1]
        targets = utils.check_unit_range(targets, "targets")
        if (
            inputs.ndim != 4
            or targets.ndim != 4
            or inputs.shape[:3] != targets.shape[:3]
            or not len(inputs)
        ):
            raise ValueError(
                "`inputs` and `targets` must be non-empty (n, H, W, C) arrays with "
                f"the same n, H, W. Received: inputs.shape={inputs.shape}, "
                f"targets.shape={targets.shape}"
            )
        if len(inputs) % groups:
            raise ValueError(
                f"`groups` must divide the {len(inputs)} examples. Received: groups={groups}"
            )
        self.out_dir = os.fspath(out_dir)
        self.inputs, self.targets = inputs, targets
        self.every, self.groups, self.filename = every, groups, filename
        self.paths = []
        self.log_dir = None if log_dir is None else os.fspath(log_dir)

    def on_train_begin(self, logs=None):
        if not callable(getattr(self.model, "translate", None)):
            raise ValueError(
                "TranslationGrid needs an image-to-image model with a "
                "`translate(images)` method. Received: model of type "
                f"{type(self.model).__name__}"
            )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.save(epoch + 1)

    def save(self, epoch):
        """Translates the inputs now and writes the grid for `epoch` (1-based)."""
        translated = keras.ops.convert_to_numpy(self.model.translate(self.inputs))
        translated = translated.astype(np.float32)  # (n, H, W, C_out) in [-1, 1]
        parts = [self.inputs, translated, self.targets]
        channels = max(p.shape[-1] for p in parts)
        parts = [np.repeat(p, channels, -1) if p.shape[-1] == 1 else p for p in parts]
        triplets = np.stack(parts, axis=1)  # (n, 3, H, W, C)
        images = triplets.reshape((-1,) + triplets.shape[2:])
        path = os.path.join(self.out_dir, self.filename.format(epoch=epoch))
        rows = len(self.inputs) // self.groups
        plotting.save_image_grid(images, path, rows=rows, cols=3 * self.groups)
        summaries.image_summary(
            self, "translations", images, epoch, rows=rows, cols=3 * self.groups
        )
        self.paths.append(path)
        return path


class Evaluate(keras.callbacks.Callback):
    """Computes sample metrics every `every` epochs into the epoch's logs.

    Runs a `keras_gans.evaluation.Evaluator` on the model being trained (its
    `generate`, so the EMA generator when there is one) and adds each result
    to the epoch logs as `prefix + key`, e.g. `val_digit_fd`,
    `val_label_accuracy`. Callbacks after this one in the list see the
    numbers: `History` (so they are in `fit(...).history`), `ModelCheckpoint`
    (`monitor="val_digit_fd", mode="min"`; Keras cannot guess the direction
    of these names), `TensorBoard`, `LossCurves`. Put it before those in `callbacks=[...]`;
    epochs that are not evaluated have no such keys. The real data are read
    and reduced once, at the first evaluation; every evaluation draws the
    same noise (with the default int `seed`). Its wall time per evaluation is
    in `self.history["seconds"]`, and every result in `self.history`
    (`{"epoch": [...], "seconds": [...], "val_digit_fd": [...], ...}`).

    Args:
        real_dataset: real images, as `Evaluator` takes them.
        metrics: metric names from `keras_gans.evaluation.METRICS`.
        every: int. Evaluate after every `every`-th epoch (1-based).
        num_samples: int. Generated images per evaluation.
        prefix: str. Prefix of the log keys (a key that already starts
            with it, such as an `evaluate_fn`'s `val_l1`, is kept as is).
        evaluate_fn: callable `model -> dict` used instead of an
            `Evaluator` (then `real_dataset`, `metrics`, `num_samples` and
            `**kwargs` must be left out): a model's own figures, such as a
            translation model's held-out L1. Its plain numbers are logged;
            other values (lists, strings) are left out.
        **kwargs: further `Evaluator` arguments (`num_real_samples`,
            `batch_size`, `seed`, `labels`, `extractors`, and for the
            Inception metrics `backbone` (e.g. `"inception_2015"`, the
            published protocol) and `resize`).

    Example:

    ```python
    images, labels = keras_gans.evaluation.digit_reference()
    model.fit(
        dataset,
        epochs=20,
        callbacks=[
            keras_gans.callbacks.Evaluate(
                images, ["digit_fd", "label_accuracy"], num_samples=2500,
                labels=labels,
            ),
            keras.callbacks.ModelCheckpoint(
                "best.keras", monitor="val_digit_fd", mode="min",
                save_best_only=True,
            ),
        ],
    )
    ```
    """

    def __init__(
        self,
        real_dataset=None,
        metrics=("digit_fd",),
        every=1,
        num_samples=1000,
        prefix="val_",
        evaluate_fn=None,
        **kwargs,
    ):
        super().__init__()
        utils.check_int("every", every, minimum=1)
        if not isinstance(prefix, str):
            raise ValueError(f"`prefix` must be a str. Received: prefix={prefix!r}")
        if evaluate_fn is None:
            self.evaluator = evaluation.Evaluator(
                real_dataset, metrics, num_samples=num_samples, **kwargs
            )
        elif not callable(evaluate_fn):
            raise ValueError(
                f"`evaluate_fn` must be callable. Received: evaluate_fn={evaluate_fn!r}"
            )
        elif real_dataset is not None or kwargs:
            raise ValueError(
                "Pass either `evaluate_fn` or `real_dataset` (and `Evaluator` "
                f"arguments), not both. Received: evaluate_fn={evaluate_fn!r} "
                f"with real_dataset={'given' if real_dataset is not None else None}"
                f" and {sorted(kwargs)}"
            )
        else:
            self.evaluator = _TimedEvaluation(evaluate_fn)
        self.every = every
        self.prefix = prefix
        self.history = {"epoch": [], "seconds": []}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        results = {
            key if key.startswith(self.prefix) else self.prefix + key: value
            for key, value in self.evaluator(self.model).items()
            if key not in ("num_samples", "num_real_samples")  # counts, not figures
        }
        if logs is not None:
            logs.update(results)
        self.history["epoch"].append(epoch + 1)
        self.history["seconds"].append(self.evaluator.last_seconds)
        for key, value in results.items():
            self.history.setdefault(key, []).append(value)


class _TimedEvaluation:
    """`Evaluator`'s calling convention for a plain `model -> dict` function:
    returns its plain numbers, and keeps the call's wall time."""

    def __init__(self, function):
        self.function = function
        self.last_seconds = None

    def __call__(self, model):
        start = time.perf_counter()
        results = self.function(model)
        self.last_seconds = time.perf_counter() - start
        return {
            key: value
            for key, value in results.items()
            if isinstance(value, numbers.Real) and not isinstance(value, bool)
        }
