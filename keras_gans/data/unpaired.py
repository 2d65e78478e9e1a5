"""Unpaired image sets for unpaired image-to-image translation (CycleGAN).

Every loader returns a batched, prefetched `tf.data.Dataset` of `(a, b)`:
float32 `(batch, height, width, channels)` images in [-1, 1], one from each
domain, drawn independently (no pairing between `a[i]` and `b[i]`).

- `unpaired_folder_dataset`: a folder in the official CycleGAN layout
  (`trainA/`, `trainB/`, `testA/`, `testB/`), with the paper's jitter
  (resize to 286, random 256 crop, random mirror) applied to each domain
  independently.
- `download_cyclegan_dataset`: fetches and unpacks one of the official
  archives (horse2zebra, monet2photo, ...) with `keras.utils.get_file`.
- `digit_unpaired_dataset`: an embedded unpaired task that needs no
  network: the embedded digits (A) and the edge maps of
  `keras_gans.pairs.digit_edges` (B), each domain in its own seeded order,
  so the pairing is gone; `digit_heldout_pairs` keeps the 1000 held-out
  digits aligned with their edge maps for evaluation.

Bad files (unreadable, or a format TensorFlow cannot decode) raise a
`ValueError` naming the file, or, with `skip_bad=True`, are skipped and
counted in a logged warning.
"""

import logging
import os

import numpy as np
import tensorflow as tf

from keras_gans import utils
from keras_gans.data._decode import usable_files
from keras_gans.data._download import download_and_extract
from keras_gans.data._pipeline import (
    DECODABLE_FORMATS,
    check_not_empty,
    without_autotune_stall,
)
from keras_gans.data.image_folder import IMAGE_EXTENSIONS
from keras_gans.data.pairs import digit_pairs

__all__ = [
    "CYCLEGAN_DATASETS",
    "CYCLEGAN_URL",
    "SUBSETS",
    "digit_heldout_pairs",
    "digit_unpaired_dataset",
    "domain_files",
    "download_cyclegan_dataset",
    "unpaired_folder_dataset",
]

logger = logging.getLogger(__name__)

#: The official CycleGAN archives (the authors'
#: `datasets/download_cyclegan_dataset.sh`).
CYCLEGAN_DATASETS = (
    "ae_photos",
    "apple2orange",
    "cezanne2photo",
    "cityscapes",
    "facades",
    "horse2zebra",
    "iphone2dslr_flower",
    "maps",
    "monet2photo",
    "summer2winter_yosemite",
    "ukiyoe2photo",
    "vangogh2photo",
)
CYCLEGAN_URL = (
    "https://people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/{name}.zip"
)
SUBSETS = ("train", "test")


def download_cyclegan_dataset(name, cache_dir=None, origin=None):
    """Downloads and unpacks an official CycleGAN dataset; returns its folder.

    The folder holds `trainA/`, `trainB/`, `testA/` and `testB/`, ready for
    `unpaired_folder_dataset`. A second call finds the unpacked folder and
    downloads nothing. Members that would extract outside the target folder
    are refused.

    Args:
        name: str. One of `CYCLEGAN_DATASETS` ("horse2zebra", ...).
        cache_dir: str or `None`. Where to keep it (`None`: `~/.keras`);
            files go to `<cache_dir>/datasets/`.
        origin: str or `None`. The archive's URL (`None`: the official
            `CYCLEGAN_URL`); a `file://` URL serves a local copy.

    Raises:
        ValueError: an unknown name, or an unsafe archive member.

    Example (downloads about 110 MB on the first call)::

        root = download_cyclegan_dataset("horse2zebra")
        ds = unpaired_folder_dataset(root, "train")
    """
    utils.check_choice("name", name, CYCLEGAN_DATASETS)
    return download_and_extract(
        origin or CYCLEGAN_URL.format(name=name),
        f"{name}.zip",
        f"{name}_unpacked",
        name,
        cache_dir,
    )


def _image_problem(path):
    """Why `path` is not a decodable image (`None` when it is)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            fmt = image.format
    except Exception as error:  # PIL raises many types for bad data
        return f"unreadable image ({type(error).__name__}: {error})"
    if fmt not in DECODABLE_FORMATS:
        return f"format {fmt} cannot be decoded (use {', '.join(DECODABLE_FORMATS)})"
    return None


def domain_files(path, skip_bad=False):
    """Sorted image files of one domain folder (e.g. `trainA/`), each checked.

    Files not ending in an image extension (`keras_gans.data.
    IMAGE_EXTENSIONS`) and hidden files are ignored.

    Raises:
        ValueError: not a folder, no usable image, or a bad file (named).
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(f"`path` must be a folder of images. Received: path={path!r}")
    files = sorted(
        os.path.join(path, f)
        for f in os.listdir(path)
        if not f.startswith(".")
        and f.lower().endswith(IMAGE_EXTENSIONS)
        and os.path.isfile(os.path.join(path, f))
    )
    good = usable_files(
        files,
        lambda file: (_image_problem(file), None),
        path=path,
        what="image",
        caller="unpaired_folder_dataset",
        logger=logger,
        skip_bad=skip_bad,
    )
    return [file for file, _ in good]


def _derived_seed(seed, k):
    return None if seed is None else int(seed) * 4 + k


def _domain(files, n, image_size, load_size, jitter, shuffle, seed, k, channels):
    """`n` images of one domain: its own shuffle and jitter seeds."""
    ds = tf.data.Dataset.from_tensor_slices(files)
    if shuffle:
        ds = ds.shuffle(
            len(files), seed=_derived_seed(seed, k), reshuffle_each_iteration=True
        )
    ds = ds.repeat().take(n)  # the smaller domain cycles, as the official loader
    seeds = tf.data.Dataset.random(
        seed=_derived_seed(seed, k + 2), rerandomize_each_iteration=True
    )

    def load(file, example_seed):
        image = tf.io.decode_image(
            tf.io.read_file(file), channels=channels, expand_animations=False
        )
        image = tf.cast(image, tf.float32)
        if jitter:
            image = tf.image.resize(image, [load_size, load_size])
            image = tf.image.stateless_random_crop(
                image,
                [image_size, image_size, channels],
                seed=tf.stack([example_seed, tf.constant(0, tf.int64)]),
            )
            image = tf.image.stateless_random_flip_left_right(
                image, seed=tf.stack([example_seed, tf.constant(1, tf.int64)])
            )
        else:
            image = tf.image.resize(image, [image_size, image_size])
        image = utils.to_unit_range(tf.clip_by_value(image, 0.0, 255.0))
        return tf.ensure_shape(image, [image_size, image_size, channels])

    return tf.data.Dataset.zip((ds, seeds)).map(
        load, num_parallel_calls=tf.data.AUTOTUNE
    )


def unpaired_folder_dataset(
    path,
    subset="train",
    image_size=256,
    load_size=286,
    batch_size=1,
    jitter=True,
    shuffle=True,
    seed=None,
    channels=3,
    skip_bad=False,
    drop_remainder=True,
):
    """`(a, b)` batches from a folder in the official CycleGAN layout.

    Reads `<path>/<subset>A/` and `<path>/<subset>B/`. An epoch has
    `max(len(A), len(B))` examples (the smaller domain cycles in a new
    order), and each domain is shuffled and jittered on its own seeds.
    Random jitter (Zhu et al. 2017, sec 7.1 after Isola et al.): resize to
    `load_size` (286), random crop to `image_size` (256), random mirror,
    independently for each image. Without `jitter` images are resized to
    `image_size`.

    Args:
        path: str. The dataset folder (holding `trainA/`, `trainB/`, ...).
        subset: `"train"` or `"test"`.
        image_size: int. Output height and width.
        load_size: int >= `image_size`. Size before the random crop.
        batch_size: int. Images per domain per batch (paper: 1).
        jitter: bool. Random resize-crop and mirror (training).
        shuffle: bool. Reshuffle each domain every epoch.
        seed: int or `None`. Seeds of the shuffles and the jitter.
        channels: int. Channels images are decoded to (3: RGB; grey images
            are converted).
        skip_bad: bool. Skip bad files with a logged count instead of
            raising.
        drop_remainder: bool. Drop the last partial batch.

    Raises:
        ValueError: a bad argument, a missing domain folder, or a bad file
            (named).

    Example (given the horse2zebra dataset, see `download_cyclegan_dataset`)::

        ds = unpaired_folder_dataset("horse2zebra", "train")
        a, b = next(iter(ds))  # (1, 256, 256, 3) each
    """
    utils.check_choice("subset", subset, SUBSETS)
    image_size = utils.check_int("image_size", image_size, minimum=1)
    load_size = utils.check_int("load_size", load_size, minimum=image_size)
    batch_size = utils.check_int("batch_size", batch_size, minimum=1)
    channels = utils.check_int("channels", channels, minimum=1)
    root = os.fspath(path)
    folders = [os.path.join(root, f"{subset}{d}") for d in "AB"]
    for folder in folders:
        if not os.path.isdir(folder):
            raise ValueError(
                f"`path` must hold {subset}A/ and {subset}B/ folders (the "
                f"official CycleGAN layout); {folder!r} is missing. "
                f"Received: path={root!r}"
            )
    files_a, files_b = (domain_files(f, skip_bad) for f in folders)
    n = max(len(files_a), len(files_b))
    check_not_empty(n, batch_size, drop_remainder, f"path={root!r}")
    common = (n, image_size, load_size, jitter, shuffle, seed)
    a = _domain(files_a, *common, 0, channels)
    b = _domain(files_b, *common, 1, channels)
    ds = tf.data.Dataset.zip((a, b)).batch(batch_size, drop_remainder=drop_remainder)
    return without_autotune_stall(ds.prefetch(tf.data.AUTOTUNE))


def _to_float(images):
    return np.asarray(utils.to_unit_range(images), dtype=np.float32)


def digit_unpaired_dataset(
    batch_size=1, subset="train", shuffle=True, seed=None, pad_to=32
):
    """`(digits, edge maps)` batches in [-1, 1] with the pairing shuffled away.

    Domain A: the embedded grey digits; domain B: their binary edge maps
    (`keras_gans.pairs.digit_pairs`). Each domain is drawn in its own
    seeded order (two shuffles on two seeds), so `a[i]` and `b[i]` are, in
    general, different digits.

    Args:
        batch_size: int. Images per domain per batch.
        subset: `None` (5000), `"train"` (4000) or `"test"` (1000).
        shuffle: bool. Reshuffle every epoch (`False`: both in file order,
            i.e. aligned).
        seed: int or `None`. Seeds of the two shuffles.
        pad_to: int. Image size (28x28 digits zero-padded).

    Example:
    >>> a, b = next(iter(digit_unpaired_dataset(batch_size=4, seed=0)))
    >>> a.shape, b.shape
    (TensorShape([4, 32, 32, 1]), TensorShape([4, 32, 32, 1]))
    """
    batch_size = utils.check_int("batch_size", batch_size, minimum=1)
    edges, digits, _ = digit_pairs(subset, pad_to)
    domains = []
    for k, images in enumerate((digits, edges)):
        ds = tf.data.Dataset.from_tensor_slices(_to_float(images))
        if shuffle:
            ds = ds.shuffle(
                len(images), seed=_derived_seed(seed, k), reshuffle_each_iteration=True
            )
        domains.append(ds)
    ds = tf.data.Dataset.zip(tuple(domains)).batch(batch_size, drop_remainder=True)
    return without_autotune_stall(ds.prefetch(tf.data.AUTOTUNE))


def digit_heldout_pairs(pad_to=32):
    """The 1000 held-out digits aligned with their edge maps, for evaluation.

    Returns:
        `(digits, edges, labels)`: float32 `(1000, pad_to, pad_to, 1)` in
        [-1, 1] twice and int64 `(1000,)`.
    """
    edges, digits, labels = digit_pairs("test", pad_to)
    return _to_float(digits), _to_float(edges), labels
