"""`tf.data` pipelines of images in [-1, 1].

Every loader returns a batched, prefetched `tf.data.Dataset` whose elements
are `(images,)` or `(images, labels)`, with images as float32
`(batch, height, width, channels)` in [-1, 1] and labels as int32 `(batch,)`.

- `load_digits_sample` / `digits_dataset`: the 5000 MNIST digits embedded in
  the package (no network, no files).
- `from_arrays`: any in-memory uint8 images (and labels).
- `from_tfds`: a TensorFlow Datasets dataset (`"mnist"`, `"fashion_mnist"`,
  `"cifar10"`, `"celeb_a"`, ...), with optional centre crop, resize and
  mirroring. Downloads only when the data is not prepared locally and
  `download=True`; tests use `tfds.testing.mock_data`.
- `from_image_folder`: a folder of image files (flat or nested, or one
  subfolder per class), via `keras.utils.image_dataset_from_directory`.

Bad input raises a `ValueError` that names the argument, feature, file or
folder at fault. Files a loader skips are counted in a logged warning.
`tensorflow_datasets` is imported only when `from_tfds` is called.
"""

import importlib.resources
import logging
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans import images as images_lib
from keras_gans import utils

__all__ = [
    "DIGITS_ASSET",
    "DIGITS_TRAIN_SIZE",
    "IMAGE_EXTENSIONS",
    "digits_dataset",
    "from_arrays",
    "from_image_folder",
    "from_tfds",
    "load_digits_sample",
    "to_unit_range",
]

logger = logging.getLogger(__name__)

DIGITS_ASSET = "digits_5k.npz"
DIGITS_TRAIN_SIZE = 4000

# The extensions `keras.utils.image_dataset_from_directory` indexes, and the
# formats `tf.io.decode_image` reads.
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_DECODABLE_FORMATS = ("BMP", "GIF", "JPEG", "PNG")  # PIL names


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
    _check_not_empty(len(x), batch_size, drop_remainder, "`images`")
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
        _check_not_empty(n, batch_size, drop_remainder, f"{name!r} split={split!r}")

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
            image = _center_crop_square(image)
        image = tf.cast(image, tf.float32)
        if size is not None:
            # Antialiasing matters when shrinking 178x178 faces to 64x64.
            image = tf.image.resize(image, size, method="bilinear", antialias=True)
        image = tf.clip_by_value(to_unit_range(image), -1.0, 1.0)
        return (image, *label)

    ds = ds.map(select, num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return _batch_and_finish(ds, batch_size, drop_remainder, random_flip, seed)


def from_image_folder(
    path,
    image_size,
    labels=None,
    batch_size=64,
    color_mode="rgb",
    shuffle=True,
    seed=None,
    center_crop=False,
    random_flip=False,
    drop_remainder=True,
    skip_bad=False,
):
    """A folder of image files as a pipeline of images in [-1, 1].

    Files are indexed by `keras.utils.image_dataset_from_directory` (files
    ending in .bmp, .gif (first frame), .jpeg, .jpg or .png); other files
    are skipped and their count logged as a warning. Symlinked subfolders
    are followed (a link that loops back to a parent folder is a
    `ValueError` naming it). Every indexed file is
    then decoded once, at load time, so a file that is not JPEG/PNG/GIF/BMP
    data (empty, an HTML page, ...) or has a corrupt body (a truncated JPEG)
    raises a `ValueError` naming it here, before training starts, or, with
    `skip_bad=True`, is left out and counted in a logged warning. Each image
    is turned upright by its EXIF `Orientation` tag (as photo viewers and
    `keras_gans.images.load_image` show it) before it is resized
    bilinearly (without antialiasing). Grey, RGB and RGBA files may be
    mixed: each is converted to `color_mode`.

    Args:
        path: str or path-like. The folder (local, or any `tf.io.gfile` file
            system).
        image_size: int or `(height, width)`. Every image is resized to it.
        labels: `None`: every image in the folder and its subfolders,
            elements `(images,)`. `"inferred"`: one subfolder per class
            (classes in alphanumeric order), elements `(images, labels)`
            with int32 labels; files directly in `path` are skipped.
        batch_size: int. Images per batch.
        color_mode: `"rgb"`, `"rgba"` or `"grayscale"` (3, 4 or 1 channels).
        shuffle: bool. Shuffle the files, reshuffled every epoch.
        seed: optional int. Seeds the shuffle and the flips.
        center_crop: bool. Crop the largest central window with the aspect
            ratio of `image_size` before resizing (keras's
            `crop_to_aspect_ratio`), instead of distorting the image.
        random_flip: bool. Mirror each image left-right with probability 1/2.
        drop_remainder: bool. Drop the last partial batch.
        skip_bad: bool. Skip files that cannot be decoded (with a logged
            count) instead of raising.

    Raises:
        ValueError: a missing folder, no image files, a file that cannot be
            decoded (named; unless `skip_bad`), fewer files than
            `batch_size` with `drop_remainder`, or a bad argument.

    Example:
    (given a folder `faces/` of image files)::

        ds = from_image_folder("faces/", image_size=64, center_crop=True)
        (images,) = next(iter(ds))  # (64, 64, 64, 3) in [-1, 1]
    """
    utils.check_int("batch_size", batch_size, minimum=1)
    size = utils.check_image_size(image_size)
    utils.check_choice("labels", labels, (None, "inferred"))
    utils.check_choice("color_mode", color_mode, tuple(_COLOR_CHANNELS))
    channels = _COLOR_CHANNELS[color_mode]
    path = os.fspath(path)
    is_remote = "://" in path
    if not tf.io.gfile.isdir(path):
        raise ValueError(f"`path` is not an existing folder. Received: path={path!r}")
    if not is_remote:
        utils.check_no_symlink_loops(path)  # before following symlinked folders
    try:
        index = keras.utils.image_dataset_from_directory(
            path,
            labels=labels,
            follow_links=True,  # symlinked subfolders count (fastai#2270)
            label_mode=None if labels is None else "int",
            color_mode=color_mode,
            batch_size=None,
            image_size=size,
            shuffle=False,  # the file order is shuffled below
            verbose=False,
        )
    except ValueError as e:
        if "No images found" not in str(e):
            raise
        where = "in any class subfolder of" if labels == "inferred" else "under"
        raise ValueError(
            f"No image files ({', '.join(IMAGE_EXTENSIONS)}) {where} path={path!r}."
        ) from e
    files = list(index.file_paths)
    class_ids = None
    if labels == "inferred":
        names = {name: i for i, name in enumerate(index.class_names)}
        root = path.rstrip("/\\")
        class_ids = [
            names[f[len(root) :].lstrip("/\\").replace("\\", "/").split("/")[0]]
            for f in files
        ]
    if not is_remote:
        _log_unindexed_files(path, files)
    files, orientations, class_ids = _decode_check(path, files, class_ids, skip_bad)
    _check_not_empty(len(files), batch_size, drop_remainder, f"path={path!r}")

    elements = (files, np.asarray(orientations, np.int32))
    if class_ids is not None:
        elements += (np.asarray(class_ids, np.int32),)
    ds = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        ds = ds.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)

    def load(file, orientation, *label):
        image = tf.io.decode_image(
            tf.io.read_file(file), channels=0, expand_animations=False
        )  # native channels: JPEG has no alpha, GIF no grey
        image = images_lib._to_channels(image, channels)
        image = images_lib._orient(image, orientation)  # upright, (h, w, c)
        if center_crop:
            image = keras.preprocessing.image.smart_resize(image, size)
        else:
            image = tf.image.resize(image, size, method="bilinear")
        image = tf.ensure_shape(image, (*size, channels))
        return (tf.clip_by_value(to_unit_range(image), -1.0, 1.0), *label)

    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    return _batch_and_finish(ds, batch_size, drop_remainder, random_flip, seed)


_COLOR_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


def _check_not_empty(n, batch_size, drop_remainder, source):
    """With `drop_remainder`, fewer than `batch_size` examples give no batch."""
    if drop_remainder and n < batch_size:
        raise ValueError(
            f"{source} holds {n} example(s), fewer than batch_size={batch_size}: "
            f"with drop_remainder=True the dataset would be empty. Pass a smaller "
            f"batch_size or drop_remainder=False."
        )


def _center_crop_square(image):
    """Crops the central `(s, s)` square, s = the shorter side. # (h, w, c)"""
    h, w = image.shape[0], image.shape[1]
    if h is None or w is None:
        shape = tf.shape(image)
        h, w = shape[0], shape[1]
        s = tf.minimum(h, w)
    else:
        s = min(h, w)
    return tf.image.crop_to_bounding_box(image, (h - s) // 2, (w - s) // 2, s, s)


def _batch_and_finish(ds, batch_size, drop_remainder, random_flip, seed):
    """Batches, optionally mirrors (per image, seeded, new every epoch), prefetches."""
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if random_flip:
        # One stateless seed per batch from a seeded stream that changes each
        # epoch, so a seeded run repeats and epochs still differ.
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, seeds))

        def flip(element, batch_seed):
            images, *rest = element
            images = tf.image.stateless_random_flip_left_right(
                images, seed=tf.stack([batch_seed, tf.constant(0, tf.int64)])
            )
            return (images, *rest)

        ds = ds.map(flip, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def _log_unindexed_files(path, file_paths):
    """Logs how many files under `path` were not indexed (not images)."""
    indexed = {os.path.normpath(p) for p in file_paths}
    skipped = [
        os.path.join(root, f)
        for root, _, files in os.walk(path, followlinks=True)
        for f in files
        if os.path.normpath(os.path.join(root, f)) not in indexed
    ]
    if skipped:
        logger.warning(
            "from_image_folder: skipped %d file(s) under %r that are not "
            "images (%s) or not in a class subfolder, e.g. %r",
            len(skipped),
            path,
            ", ".join(IMAGE_EXTENSIONS),
            skipped[0],
        )


def _decode_check(path, files, class_ids, skip_bad):
    """Decodes every file once; drops (skip_bad) or names the bad ones.

    Returns `(files, orientations, class_ids)` of the good files.
    """
    good, orientations, ids, bad = [], [], [], []
    for i, file in enumerate(files):
        try:
            orientation, _, _, fmt = images_lib._inspect_file(file)
            if fmt not in _DECODABLE_FORMATS:
                raise ValueError(
                    f"Image file {file!r} is {fmt} data, which TensorFlow cannot "
                    f"decode (use {', '.join(_DECODABLE_FORMATS)})"
                )
        except ValueError as error:
            if not skip_bad:
                raise ValueError(
                    f"{error}. Fix or remove it, or pass skip_bad=True to skip "
                    f"such files (with a logged count). Folder: path={path!r}"
                ) from None
            bad.append((file, str(error)))
            continue
        good.append(file)
        orientations.append(orientation)
        if class_ids is not None:
            ids.append(class_ids[i])
    if bad:
        logger.warning(
            "from_image_folder: skipped %d file(s) under %r that cannot be "
            "decoded, e.g. %s",
            len(bad),
            path,
            bad[0][1],
        )
    if not good:
        raise ValueError(f"No decodable image files under path={path!r}.")
    return good, orientations, (None if class_ids is None else ids)
