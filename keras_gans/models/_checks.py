"""`DataChecks`: what `fit` and `evaluate` check in the data before training.

Two kinds of check, both named after the field at fault:

- static, on a `tf.data.Dataset`'s `element_spec` or the arrays' shapes and
  dtypes, before any graph is traced (`check_batch_spec`): rank, size,
  channels, dtype, structure;
- on values, in every batch (`batch_value_checks`): finite images, labels in
  range. A dataset gets them as one more `map` stage of its pipeline (on the
  CPU, outside the train step, so they hold under XLA too); arrays are
  checked once, eagerly. A failed check in the pipeline reaches the caller
  of `fit` as a `ValueError` naming the batch.
"""

import contextlib
import re

import numpy as np
import tensorflow as tf

from keras_gans.data import without_autotune_stall

__all__ = [
    "DataChecks",
    "check_image_spec",
    "check_label_values",
    "check_label_spec",
    "finite_check",
    "label_range_check",
]

_OPEN, _CLOSE = "<<keras_gans data check: ", " :keras_gans>>"


def _as_tuple(spec):
    if isinstance(spec, (tuple, list)):
        return tuple(spec)
    if isinstance(spec, (tf.TensorSpec, tf.Tensor, np.ndarray)) or tf.is_tensor(spec):
        return (spec,)
    return None


def _shape(spec):
    shape = tf.TensorShape(getattr(spec, "shape", None))
    return None if shape.rank is None else tuple(shape.as_list())


def _dtype(spec):
    return tf.as_dtype(getattr(spec, "dtype", "float32"))


def check_image_spec(name, spec, image_shape):
    """Raises a `ValueError` naming `name` unless `spec` (a `TensorSpec`, a
    tensor or an array) holds float images `(batch, *image_shape)`; `None`
    entries of `image_shape` and unknown dimensions match anything.

    Example:
    >>> check_image_spec("images", np.zeros((2, 8, 8, 3), "float32"), (8, 8, 1))
    Traceback (most recent call last):
    ...
    ValueError: `images` must have shape (batch, 8, 8, 1). Received: images.shape=(2, 8, 8, 3)
    """
    shape = _shape(spec)
    expected = tuple(image_shape)
    if shape is not None:
        wrong = len(shape) != len(expected) + 1 or any(
            d is not None and e is not None and d != e
            for d, e in zip(shape[1:], expected)
        )
        if wrong:
            dims = ", ".join("None" if e is None else str(e) for e in expected)
            raise ValueError(
                f"`{name}` must have shape (batch, {dims}). "
                f"Received: {name}.shape={shape}"
            )
    if not _dtype(spec).is_floating:
        raise ValueError(
            f"`{name}` must be float images in [-1, 1] "
            "(`keras_gans.utils.to_unit_range` converts uint8 pixels). "
            f"Received: {name}.dtype={_dtype(spec).name}"
        )


def check_label_spec(spec, name="labels"):
    """Raises a `ValueError` unless `spec` holds integer class labels."""
    if not _dtype(spec).is_integer:
        raise ValueError(
            f"`{name}` must be integer class ids. "
            f"Received: {name}.dtype={_dtype(spec).name}"
        )
    shape = _shape(spec)
    if shape is not None and (len(shape) > 2 or (len(shape) == 2 and shape[1] != 1)):
        raise ValueError(
            f"`{name}` must have shape (batch,). Received: {name}.shape={shape}"
        )


def finite_check(name, images):
    """`(ok, message, data)`: every value of `images` is finite."""
    images = tf.convert_to_tensor(images)
    if not images.dtype.is_floating:
        return tf.constant(True), "", tf.constant(0)
    bad = tf.logical_not(tf.math.is_finite(images))
    count = tf.reduce_sum(tf.cast(bad, "int64"))
    return (
        tf.equal(count, 0),
        f"`{name}` must be finite; this batch holds NaN or inf values. "
        "Non-finite values:",
        count,
    )


def label_range_check(labels, num_classes, name="labels"):
    """`(ok, message, data)`: every label is in [0, num_classes)."""
    labels = tf.reshape(tf.convert_to_tensor(labels), [-1])
    bad = tf.logical_or(labels < 0, labels >= num_classes)
    values = tf.sort(tf.unique(tf.boolean_mask(labels, bad)).y)
    return (
        tf.logical_not(tf.reduce_any(bad)),
        f"`{name}` must be in [0, {num_classes}) (`num_classes`={num_classes}). "
        "Received out-of-range labels:",
        values[:10],
    )


def check_label_values(model_name, labels, num_classes, n=None):
    """Class labels for a conditional model as an int32 array `(n,)`.

    Raises:
        ValueError: labels for an unconditional model (`num_classes=None`),
            none for a conditional one, non-integers, a count other than
            `n`, or values outside [0, num_classes), naming them.
    """
    if num_classes is None:
        if labels is not None:
            raise ValueError(f"{model_name} is unconditional; `labels` must be None.")
        return None
    if labels is None:
        raise ValueError(
            f"{model_name} is conditional; pass `labels` (ints in [0, {num_classes}))."
        )
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"`labels` must be integers. Received dtype={labels.dtype}")
    labels = labels.reshape(-1)
    if n is not None and len(labels) != n:
        raise ValueError(f"`labels` must have {n} entries. Received: {len(labels)}")
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        raise ValueError(
            f"`labels` must be in [0, {num_classes}). "
            f"Received out-of-range labels: {sorted(set(bad.tolist()))[:10]}"
        )
    return labels.astype(np.int32)


def _raise_eager(checks, where):
    for ok, message, data in checks:
        if not bool(ok):
            data = np.asarray(data)
            shown = data.tolist() if data.ndim else int(data)
            raise ValueError(f"{where}{message} {shown}")


@contextlib.contextmanager
def _named_data_errors():
    """Turns a failed in-pipeline data check into a `ValueError`."""
    try:
        yield
    except tf.errors.InvalidArgumentError as error:
        text = str(error)
        match = re.search(re.escape(_OPEN) + "(.*?)" + re.escape(_CLOSE), text, re.S)
        if match is None:
            raise
        raise ValueError(match.group(1)) from None


class DataChecks:
    """Mixin for `keras.Model` subclasses: `fit` and `evaluate` check their
    data with `check_batch_spec` (static) and `batch_value_checks` (values),
    which subclasses override.

    Needs from the model: `keras.Model`'s `fit` and `evaluate` after it in
    the bases; nothing else (the two checks default to accepting anything).
    """

    def check_batch_spec(self, spec):
        """Raises a named `ValueError` unless batches of this structure of
        `tf.TensorSpec`s (or arrays) can train. The default accepts all."""

    def batch_value_checks(self, batch):
        """`[(ok, message, data), ...]` on one batch's tensors: `ok` a scalar
        bool tensor, `message` naming the field, `data` the offending values.
        The default checks nothing."""
        return []

    def _check_pipeline(self, dataset):
        checks_fn = self.batch_value_checks

        def check(index, batch):
            asserts = []
            for ok, message, data in checks_fn(batch):
                text = tf.strings.format(
                    _OPEN + "batch {} of the epoch: " + message + " {}" + _CLOSE,
                    (index, data),
                    summarize=10,
                )
                asserts.append(tf.debugging.Assert(ok, [text]))
            with tf.control_dependencies(asserts):
                return tf.nest.map_structure(tf.identity, batch)

        return dataset.enumerate().map(check)

    def checked_data(self, x, y=None):
        """`(x, y)` as `fit` takes them, checked: a dataset's `element_spec`
        now and its values batch by batch (one more pipeline stage);
        arrays' shapes and values now. A dataset also gets tf.data's
        autotuning model switched off unless its options set it
        (`keras_gans.data.without_autotune_stall`: it stalled `fit` at the
        end of about two epochs in three on 2 cores).

        Raises:
            ValueError: data that cannot train, naming the field.
        """
        if isinstance(x, tf.data.Dataset):
            spec = _as_tuple(x.element_spec)
            if spec is None:
                return without_autotune_stall(x), y
            self.check_batch_spec(spec)
            return without_autotune_stall(self._check_pipeline(x)), y
        arrays = [v for v in (x, y) if v is not None]
        if x is not None and all(
            isinstance(v, np.ndarray) or tf.is_tensor(v) for v in arrays
        ):
            batch = tuple(arrays)
            self.check_batch_spec(batch)
            _raise_eager(self.batch_value_checks(batch), "")
        return x, y

    def _checked_validation(self, validation):
        if isinstance(validation, tf.data.Dataset):
            return self.checked_data(validation)[0]
        if isinstance(validation, (tuple, list)) and len(validation) == 2:
            return tuple(self.checked_data(*validation))
        return validation

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, with the data checked first (`checked_data`)
        and a failed check of a later batch raised as a `ValueError`."""
        x, y = self.checked_data(x, y)
        if kwargs.get("validation_data") is not None:
            kwargs["validation_data"] = self._checked_validation(
                kwargs["validation_data"]
            )
        with _named_data_errors():
            return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate`, with the data checks of `fit`."""
        x, y = self.checked_data(x, y)
        with _named_data_errors():
            return super().evaluate(x, y, *args, **kwargs)
