"""In-memory images (and labels) as a batched pipeline in [-1, 1]."""

import numpy as np
import tensorflow as tf

from keras_gans import utils
from keras_gans.data._pipeline import check_not_empty, without_autotune_stall

__all__ = ["from_arrays", "to_unit_range"]


# uint8 (or [0, 255] float) images -> float32 in [-1, 1]; kept here because
# users call `data.to_unit_range`.
to_unit_range = utils.to_unit_range


def from_arrays(
    images,
    labels=None,
    batch_size=64,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    pad_to=None,
):
    """A batched, prefetched pipeline over in-memory images.

    Args:
        images: array `(n, h, w)` or `(n, h, w, c)`: uint8 (any integer
            dtype) in [0, 255], or float in [-1, 1]. Other ranges, floats in
            [0, 1] or [0, 255] among them, are a `ValueError` naming the
            range received (`keras_gans.utils.check_unit_range`).
        labels: optional int array `(n,)`; when given, elements are
            `(images, labels)` (labels int32), otherwise `(images,)`.
        batch_size: int. Images per batch.
        shuffle: bool. Reshuffle every epoch.
        seed: optional int, the shuffle seed.
        drop_remainder: bool. Drop the last partial batch (GAN steps are
            cheaper to compile with one static batch size).
        pad_to: optional int. Zero-pad (background) each side to this size,
            e.g. 32 for 28x28 digits in a 4-8-16-32 progressive GAN.

    Example:
    >>> ds = from_arrays(np.zeros((10, 28, 28), "uint8"), batch_size=4)
    >>> [x.shape for (x,) in ds]
    [TensorShape([4, 28, 28, 1]), TensorShape([4, 28, 28, 1])]
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(
            f"`images` must have shape (n, h, w) or (n, h, w, c). "
            f"Received: images.shape={images.shape}"
        )
    if labels is not None:
        labels = np.asarray(labels, dtype=np.int32)
        if labels.shape != (len(images),):
            raise ValueError(
                f"`labels` must have shape ({len(images)},). "
                f"Received: labels.shape={labels.shape}"
            )
    utils.check_int("batch_size", batch_size, minimum=1)
    x = utils.check_unit_range(images, "images")  # (n, h, w, c) float32 in [-1, 1]
    if pad_to is not None:
        h, w = images.shape[1:3]
        if pad_to < max(h, w):
            raise ValueError(
                f"`pad_to` must be >= the image size {max(h, w)}. "
                f"Received: pad_to={pad_to}"
            )
        top, left = (pad_to - h) // 2, (pad_to - w) // 2
        x = np.pad(
            x,
            [(0, 0), (top, pad_to - h - top), (left, pad_to - w - left), (0, 0)],
            constant_values=-1.0,  # background
        )
    check_not_empty(len(x), batch_size, drop_remainder, "`images`")
    elements = (x,) if labels is None else (x, labels)
    ds = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return without_autotune_stall(ds.prefetch(tf.data.AUTOTUNE))
