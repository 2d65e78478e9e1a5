"""`tf.data` pipelines of images in [-1, 1].

Every loader returns a batched, prefetched `tf.data.Dataset` whose elements
are `(images,)`, `(images, labels)` or `(inputs, targets)`, with images as
float32 `(batch, height, width, channels)` in [-1, 1].
"""

import importlib.resources

import numpy as np
import tensorflow as tf

DIGITS_ASSET = "digits_5k.npz"
DIGITS_TRAIN_SIZE = 4000


def load_digits_sample(subset=None):
    """Loads the 5000 MNIST digits embedded in the package. No network needed.

    The sample is stored shuffled once with a fixed seed: the first 4000 digits
    are the `"train"` subset, the last 1000 the held-out `"test"` subset.
    Provenance and licence (CC BY-SA 3.0): `keras_gans/assets/DIGITS_LICENSE.md`.

    Args:
        subset: `None`, `"train"` or `"test"`. `None` returns all 5000.

    Returns:
        `(images, labels)`: uint8 `(n, 28, 28)` grey levels (0 = background)
        and int64 `(n,)` labels in 0..9.

    Example:
    >>> images, labels = load_digits_sample(subset="test")
    >>> images.shape, labels.shape
    ((1000, 28, 28), (1000,))
    """
    if subset not in (None, "train", "test"):
        raise ValueError(
            f'`subset` must be None, "train" or "test". Received: subset={subset!r}'
        )
    path = importlib.resources.files("keras_gans") / "assets" / DIGITS_ASSET
    with path.open("rb") as f, np.load(f) as npz:
        images, labels = npz["images"], npz["labels"].astype(np.int64)
    if subset == "train":
        return images[:DIGITS_TRAIN_SIZE], labels[:DIGITS_TRAIN_SIZE]
    if subset == "test":
        return images[DIGITS_TRAIN_SIZE:], labels[DIGITS_TRAIN_SIZE:]
    return images, labels


def to_unit_range(images):
    """Maps uint8 (or [0, 255] float) images to float32 in [-1, 1]."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def from_arrays(
    images,
    labels=None,
    batch_size=64,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    pad_to=None,
):
    """A batched, prefetched pipeline over in-memory uint8 images.

    Args:
        images: uint8 array `(n, h, w)` or `(n, h, w, c)` in [0, 255].
        labels: optional int array `(n,)`; when given, elements are
            `(images, labels)`, otherwise `(images,)`.
        batch_size: int. Images per batch.
        shuffle: bool. Reshuffle every epoch.
        seed: optional int, the shuffle seed.
        drop_remainder: bool. Drop the last partial batch (GAN steps are
            cheaper to compile with one static batch size).
        pad_to: optional int. Zero-pad (background) each side to this size,
            e.g. 32 for 28x28 digits in a 4-8-16-32 progressive GAN.
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
    if batch_size < 1:
        raise ValueError(f"`batch_size` must be >= 1. Received: batch_size={batch_size}")
    x = images
    if pad_to is not None:
        h, w = images.shape[1:3]
        if pad_to < max(h, w):
            raise ValueError(
                f"`pad_to` must be >= the image size {max(h, w)}. Received: pad_to={pad_to}"
            )
        top, left = (pad_to - h) // 2, (pad_to - w) // 2
        x = np.pad(images, [(0, 0), (top, pad_to - h - top), (left, pad_to - w - left), (0, 0)])
    x = (x.astype(np.float32) / 127.5 - 1.0)
    elements = (x,) if labels is None else (x, labels)
    ds = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def digits_dataset(
    batch_size=64,
    with_labels=True,
    subset=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    pad_to=None,
):
    """The embedded digits as a pipeline: `(images, labels)` or `(images,)`.

    Images are `(batch, 28, 28, 1)` float32 in [-1, 1] (or `pad_to` square).

    Example:
    >>> ds = digits_dataset(batch_size=32)
    >>> images, labels = next(iter(ds))
    >>> images.shape
    TensorShape([32, 28, 28, 1])
    """
    images, labels = load_digits_sample(subset)
    return from_arrays(
        images,
        labels if with_labels else None,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        pad_to=pad_to,
    )
