"""TensorBoard summaries written with core TensorFlow (no `tensorboard`
package needed to write them; it is needed to view them:
`tensorboard --logdir OUT/logs`).

- `image_summary(callback, tag, images, step)`: a grid of images as a PNG
  image summary under `callback.log_dir/images` (used by
  `callbacks.SampleGrid` and `callbacks.TranslationGrid` with `log_dir=`).
- `TensorBoardScalars(log_dir)`: every numeric epoch log as a scalar
  `epoch_<name>` under `log_dir/train`.
- `Throughput(batch_size)`: adds `images_per_second` to the epoch logs.

The event files follow TensorBoard's scalar and image plugin layouts, so
`tf.compat.v1.train.summary_iterator` and TensorBoard's `EventAccumulator`
read them back.
"""

import numbers
import os
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import plotting, utils

__all__ = ["TensorBoardScalars", "Throughput", "image_summary"]


def _metadata(plugin):
    """TensorBoard's `SummaryMetadata` for `plugin` ("scalars", "images")."""
    from tensorflow.core.framework import summary_pb2

    data = summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin)
    return summary_pb2.SummaryMetadata(plugin_data=data)


def _writer(callback, subdir):
    """The callback's file writer for `log_dir/subdir` (made once)."""
    writers = callback.__dict__.setdefault("_summary_writers", {})
    if subdir not in writers:
        path = os.path.join(callback.log_dir, subdir)
        writers[subdir] = tf.summary.create_file_writer(path)
    return writers[subdir]


def image_summary(callback, tag, images, step, rows=None, cols=None):
    """Writes the grid of `images` as a TensorBoard image summary (PNG) when
    the callback has a `log_dir`. Written with `tf.summary.write` and the
    image plugin's layout, so the `tensorboard` package is not needed."""
    if callback.log_dir is None:
        return
    grid = plotting.image_grid(images, rows=rows, cols=cols)  # uint8
    grid = grid[..., None] if grid.ndim == 2 else grid  # (H, W, C)
    height, width = grid.shape[:2]
    png = tf.io.encode_png(grid)
    tensor = tf.stack([tf.as_string(width), tf.as_string(height), png])
    writer = _writer(callback, "images")
    with writer.as_default():
        tf.summary.write(tag, tensor, step=int(step), metadata=_metadata("images"))
    writer.flush()


class TensorBoardScalars(keras.callbacks.Callback):
    """Writes every numeric epoch log as a TensorBoard scalar `epoch_<name>`.

    Losses, `val_*` evaluation metrics, the PGGAN schedule's `resolution`
    and `alpha`, ADA's `augment_p`, `images_per_second` (`Throughput`):
    whatever the callbacks before it put in the logs. Written under
    `log_dir/train` with `tf.summary.write`, so the `tensorboard` package is
    only needed to view the logs (`tensorboard --logdir LOG_DIR`).

    Args:
        log_dir: str or path-like.

    Example:

    ```python
    model.fit(ds, epochs=5, callbacks=[Throughput(64), TensorBoardScalars("logs")])
    ```
    """

    def __init__(self, log_dir):
        super().__init__()
        self.log_dir = os.fspath(log_dir)

    def on_epoch_end(self, epoch, logs=None):
        writer = _writer(self, "train")
        with writer.as_default():
            for name, value in (logs or {}).items():
                if isinstance(value, numbers.Number) or np.ndim(value) == 0:
                    try:
                        value = float(value)
                    except (TypeError, ValueError):
                        continue
                    tf.summary.write(
                        f"epoch_{name}",
                        tf.constant(value, tf.float32),
                        step=epoch + 1,
                        metadata=_metadata("scalars"),
                    )
        writer.flush()


class Throughput(keras.callbacks.Callback):
    """Adds `images_per_second` (training only) to each epoch's logs.

    Put it before `keras.callbacks.TensorBoard` (or any logger) in the
    callbacks list: callbacks see the epoch's logs in list order.

    Args:
        batch_size: int. Images per training step (the global batch).

    Example:

    ```python
    callbacks = [Throughput(64), keras.callbacks.TensorBoard("runs/x/logs")]
    ```
    """

    def __init__(self, batch_size):
        super().__init__()
        self.batch_size = utils.check_int("batch_size", batch_size, minimum=1)

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._steps = time.perf_counter(), 0

    def on_train_batch_end(self, batch, logs=None):
        self._steps += 1

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._start
        if logs is not None and seconds > 0:
            logs["images_per_second"] = self._steps * self.batch_size / seconds
