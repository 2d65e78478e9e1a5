"""A TensorFlow Datasets dataset as a pipeline of images in [-1, 1].

`tensorflow_datasets` is imported only when `from_tfds` is called; tests
use `tfds.testing.mock_data`.
"""

import tensorflow as tf

from keras_gans import utils
from keras_gans.data._pipeline import (
    batch_and_finish,
    center_crop_square,
    check_not_empty,
)

__all__ = ["from_tfds"]


def from_tfds(
    name,
    split="train",
    image_size=None,
    batch_size=64,
    with_labels=False,
    label_key="label",
    image_key="image",
    center_crop=False,
    random_flip=False,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    data_dir=None,
    download=True,
    shuffle_buffer=10000,
):
    """A TensorFlow Datasets dataset as a pipeline of images in [-1, 1].

    Documented targets: `"mnist"`, `"fashion_mnist"` (28x28x1), `"cifar10"`
    (32x32x3) and `"celeb_a"` (218x178x3 faces, no class label; DCGAN and
    PGGAN centre-crop them to 178x178, then resize to 64 or 128). Any TFDS
    dataset with a uint8 `(h, w, c)` image feature works.

    Per image: centre crop to a square of the shorter side (`center_crop`),
    bilinear antialiased resize (`image_size`), map to [-1, 1]; per batch:
    random left-right mirror (`random_flip`).

    Args:
        name: str. The TFDS name, optionally with config/version
            (`"mnist"`, `"celeb_a:2.1.0"`).
        split: str. The TFDS split, slicing allowed (`"train[:10%]"`).
        image_size: optional int or `(height, width)`. Resize to this size.
            Needed when the dataset's images vary in size.
        batch_size: int. Images per batch.
        with_labels: bool. Yield `(images, labels)` with int32 labels from
            the `label_key` feature, rather than `(images,)`.
        label_key: str. The integer class-label feature.
        image_key: str. The image feature.
        center_crop: bool. Crop the central square before resizing.
        random_flip: bool. Mirror each image left-right with probability 1/2.
        shuffle: bool. Shuffle the files and, through a buffer of
            `shuffle_buffer` images, the examples; reshuffled every epoch.
        seed: optional int. Seeds the shuffles and the flips.
        drop_remainder: bool. Drop the last partial batch.
        data_dir: optional str. Where TFDS keeps prepared data (default
            `~/tensorflow_datasets` or `$TFDS_DATA_DIR`).
        download: bool. Download and prepare the data when it is missing.
            With `False`, missing data raises a `ValueError`.
        shuffle_buffer: int. Examples in the shuffle buffer (held as uint8
            at the dataset's own size, before crop and resize: 10000 celeb_a faces are
            about 1.2 GB).

    Example:
    (it downloads MNIST when it is not prepared locally)::

        ds = from_tfds("mnist", batch_size=64, with_labels=True)
        images, labels = next(iter(ds))  # (64, 28, 28, 1), (64,)
    """
    import tensorflow_datasets as tfds

    utils.check_int("batch_size", batch_size, minimum=1)
    size = None if image_size is None else utils.check_image_size(image_size)
    if shuffle:
        utils.check_int("shuffle_buffer", shuffle_buffer, minimum=1)

    read_config = tfds.ReadConfig(shuffle_seed=seed) if shuffle else None
    try:
        ds = tfds.load(
            name,
            split=split,
            data_dir=data_dir,
            download=download,
            shuffle_files=shuffle,
            read_config=read_config,
        )
    except tfds.core.registered.DatasetNotFoundError as e:
        first_line = str(e).splitlines()[0] if str(e) else ""
        raise ValueError(
            f"Unknown TFDS dataset `name`={name!r}: {first_line} "
            f"See `tfds.list_builders()` for the names."
        ) from e
    except AssertionError as e:
        # tfds asserts when the data is not prepared and download=False.
        raise ValueError(
            f"TFDS dataset {name!r} is not prepared in data_dir={data_dir!r} "
            f"(None: the TFDS default, ~/tensorflow_datasets or $TFDS_DATA_DIR) "
            f"and download=False. Prepare it once on a machine with network "
            f"access (`tfds build {name} --data_dir DIR`, or "
            f"`tfds.builder({name!r}, data_dir=DIR).download_and_prepare()`), "
            f"copy DIR here and pass data_dir=DIR; or pass download=True. "
            f"TFDS said: {e}"
        ) from e

    spec = ds.element_spec
    features = sorted(spec) if isinstance(spec, dict) else []
    if image_key not in features:
        raise ValueError(
            f"TFDS dataset {name!r} has no image feature `image_key`="
            f"{image_key!r}. Its features: {features}"
        )
    image_spec = spec[image_key]
    if (
        not isinstance(image_spec, tf.TensorSpec)
        or image_spec.shape.rank != 3
        or image_spec.dtype != tf.uint8
    ):
        raise ValueError(
            f"Feature `image_key`={image_key!r} of TFDS dataset {name!r} must "
            f"be uint8 images (h, w, c). Received: {image_spec}"
        )
    if with_labels:
        if label_key not in features:
            raise ValueError(
                f"TFDS dataset {name!r} has no label feature `label_key`="
                f"{label_key!r}, so `with_labels=True` cannot be used. "
                f"Its features: {features}"
            )
        label_spec = spec[label_key]
        if (
            not isinstance(label_spec, tf.TensorSpec)
            or label_spec.shape.rank != 0
            or not label_spec.dtype.is_integer
        ):
            raise ValueError(
                f"Feature `label_key`={label_key!r} of TFDS dataset {name!r} "
                f"must be a scalar integer class label. Received: {label_spec}"
            )

    n = int(ds.cardinality())  # < 0 when unknown
    if n >= 0:
        check_not_empty(n, batch_size, drop_remainder, f"{name!r} split={split!r}")

    h, w = image_spec.shape[0], image_spec.shape[1]
    if center_crop and h is not None and w is not None:
        h = w = min(h, w)
    if size is None and (h is None or w is None):
        raise ValueError(
            f"TFDS dataset {name!r} has images of variable size "
            f"{tuple(image_spec.shape)}: pass `image_size` to batch them."
        )

    def select(example):
        if with_labels:
            return example[image_key], tf.cast(example[label_key], tf.int32)
        return (example[image_key],)

    def prepare(image, *label):
        if center_crop:
            image = center_crop_square(image)
        image = tf.cast(image, tf.float32)
        if size is not None:
            # Antialiasing matters when shrinking 178x178 faces to 64x64.
            image = tf.image.resize(image, size, method="bilinear", antialias=True)
        image = tf.clip_by_value(utils.to_unit_range(image), -1.0, 1.0)
        return (image, *label)

    ds = ds.map(select, num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return batch_and_finish(ds, batch_size, drop_remainder, random_flip, seed)
