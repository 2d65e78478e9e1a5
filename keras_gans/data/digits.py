"""The 5000 MNIST digits embedded in the package: arrays and a pipeline.

No network and no files: `load_digits_sample` reads the packaged
`assets/digits_5k.npz`, `digits_dataset` batches it with `from_arrays`.
"""

import importlib.resources

import numpy as np

from keras_gans import utils
from keras_gans.data.arrays import from_arrays

__all__ = ["DIGITS_ASSET", "DIGITS_TRAIN_SIZE", "digits_dataset", "load_digits_sample"]

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
    utils.check_choice("subset", subset, (None, "train", "test"))
    path = importlib.resources.files("keras_gans") / "assets" / DIGITS_ASSET
    with path.open("rb") as f, np.load(f) as npz:
        images, labels = npz["images"], npz["labels"].astype(np.int64)
    if subset == "train":
        return images[:DIGITS_TRAIN_SIZE], labels[:DIGITS_TRAIN_SIZE]
    if subset == "test":
        return images[DIGITS_TRAIN_SIZE:], labels[DIGITS_TRAIN_SIZE:]
    return images, labels


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

    Images are `(batch, 28, 28, 1)` float32 in [-1, 1] (or `pad_to` square,
    padded with background, -1); labels int32 in 0..9.

    Args:
        batch_size: int. Images per batch.
        with_labels: bool. Yield `(images, labels)` rather than `(images,)`.
        subset: `None` (all 5000), `"train"` (4000) or `"test"` (1000).
        shuffle, seed, drop_remainder, pad_to: as in `from_arrays`.

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
