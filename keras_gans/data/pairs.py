"""Aligned image pairs for image-to-image translation (Pix2Pix).

Every loader returns a batched, prefetched `tf.data.Dataset` of
`(inputs, targets)`: float32 `(batch, height, width, channels)` in [-1, 1].

- `pix2pix_folder_dataset`: a folder in the official pix2pix layout, each
  file the input A and the target B side by side (A|B), read in the
  `"AtoB"` or `"BtoA"` direction, with the paper's random jitter (resize to
  286, random 256 crop, random mirror, the same for both halves).
- `download_pix2pix_dataset`: fetches and unpacks one of the official
  archives (facades, maps, edges2shoes, ...) with `keras.utils.get_file`.
- `digit_pairs` / `digit_pairs_dataset`: an embedded paired task that needs
  no network: edge maps of the 5000 embedded MNIST digits -> the digits.

Bad files (unreadable, odd width, wrong channels, a format TensorFlow
cannot decode) raise a `ValueError` naming the file, or, with
`skip_bad=True`, are skipped and counted in a logged warning.
"""

import logging
import os

import numpy as np
import tensorflow as tf

from keras_gans import utils
from keras_gans.data._decode import MODE_CHANNELS, inspect_file, orient, usable_files
from keras_gans.data._download import download_and_extract, safe_extract
from keras_gans.data._pipeline import DECODABLE_FORMATS, without_autotune_stall
from keras_gans.data.digits import load_digits_sample

__all__ = [
    "CACHE_LIMIT_BYTES",
    "DIRECTIONS",
    "PIX2PIX_DATASETS",
    "PIX2PIX_URL",
    "digit_edges",
    "digit_pairs",
    "digit_pairs_dataset",
    "digit_pairs_heldout",
    "download_pix2pix_dataset",
    "pair_files",
    "pix2pix_folder_dataset",
    "safe_extract",
]

logger = logging.getLogger(__name__)

#: The official pix2pix archives (Isola et al. 2017, sec 4 and the authors'
#: `datasets/download_pix2pix_dataset.sh`).
PIX2PIX_DATASETS = (
    "cityscapes",
    "edges2handbags",
    "edges2shoes",
    "facades",
    "maps",
    "night2day",
)
PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{name}.tar.gz"
DIRECTIONS = ("AtoB", "BtoA")

#: `pix2pix_folder_dataset(cache="auto")` keeps the decoded pairs in memory
#: when they take at most this many bytes (uint8 pixels).
CACHE_LIMIT_BYTES = 2 * 1024**3


def download_pix2pix_dataset(name, cache_dir=None, origin=None):
    """Downloads and unpacks an official pix2pix dataset; returns its folder.

    The folder holds `train/`, `val/` (and for some datasets `test/`)
    with A|B images, ready for `pix2pix_folder_dataset`. A second call
    finds the archive in the cache and downloads nothing. The archive is
    unpacked with `safe_extract`: a member that would land outside the
    folder is refused with a `ValueError`, before anything is written.

    Args:
        name: str. One of `PIX2PIX_DATASETS` ("facades", "maps", ...).
        cache_dir: str or `None`. Where to keep it (`None`: `~/.keras`);
            files go to `<cache_dir>/datasets/`.
        origin: str or `None`. The archive's URL (`None`: the official
            `PIX2PIX_URL`); a `file://` URL serves a local copy.

    Example (downloads about 30 MB on the first call)::

        root = download_pix2pix_dataset("facades")
        ds = pix2pix_folder_dataset(os.path.join(root, "train"), "BtoA")
    """
    utils.check_choice("name", name, PIX2PIX_DATASETS)
    return download_and_extract(
        origin or PIX2PIX_URL.format(name=name),
        f"{name}.tar.gz",
        f"{name}_extracted",  # the folder keras.utils.get_file(extract=True) uses
        name,
        cache_dir,
    )


def _pair_problem(path, channels):
    """`(problem, orientation, (width, height))`: why `path` is not a usable
    A|B image (`None` when it is), its EXIF orientation and its size. The
    file is decoded in full."""
    try:
        orientation, size, mode, fmt = inspect_file(path)
    except ValueError as error:
        return f"unreadable image ({error.__cause__ or error})", 1, (0, 0)
    width = size[0]
    if fmt not in DECODABLE_FORMATS:
        return (
            f"format {fmt} cannot be decoded (use {', '.join(DECODABLE_FORMATS)})",
            1,
            size,
        )
    if width < 2 or width % 2:
        return (
            f"odd width {width}: an A|B pair must be two halves of equal width",
            orientation,
            size,
        )
    found = MODE_CHANNELS.get(mode)
    if found != channels:
        return (
            f"{found or 'unknown'} channel(s) (mode {mode}), expected {channels}",
            orientation,
            size,
        )
    return None, orientation, size


def pair_files(path, channels=3, skip_bad=False):
    """Sorted A|B image files of a folder, each decoded once and checked.

    Every file is decoded in full (a truncated JPEG is found here, not
    during training), must be a JPEG/PNG/GIF/BMP of `channels` channels and
    have an even width (after its EXIF orientation) to split into A|B.

    Args:
        path: str. A folder of A|B images (not searched recursively; local
            or any `tf.io.gfile` file system).
        channels: int. Channels every image must have (3 for the official
            datasets).
        skip_bad: bool. Skip bad files with a logged count instead of
            raising.

    Returns:
        A sorted list of file paths.

    Raises:
        ValueError: not a folder, a bad file (named, unless `skip_bad`), or
            no usable file.
    """
    return _checked_pair_files(path, channels, skip_bad)[0]


def _checked_pair_files(path, channels, skip_bad):
    """`(files, orientations, pixels)` of the usable A|B images of `path`
    (`pixels`: width x height of each)."""
    path = os.fspath(path)
    if not tf.io.gfile.isdir(path):
        raise ValueError(
            f"`path` must be a folder of A|B images. Received: path={path!r}"
        )
    files = sorted(
        _join(path, f)
        for f in tf.io.gfile.listdir(path)
        if not f.endswith("/")
        and not f.startswith(".")
        and not tf.io.gfile.isdir(_join(path, f))
    )

    def problem_of(file):
        problem, orientation, size = _pair_problem(file, channels)
        return problem, (orientation, size[0] * size[1])

    good = usable_files(
        files,
        problem_of,
        path=path,
        what="A|B image",
        caller="pix2pix_folder_dataset",
        logger=logger,
        skip_bad=skip_bad,
    )
    files = [file for file, _ in good]
    return files, [info[0] for _, info in good], [info[1] for _, info in good]


def _join(base, name):
    """`os.path.join` for local paths, `/` for `scheme://` paths."""
    return base.rstrip("/") + "/" + name if "://" in base else os.path.join(base, name)


def _split(image, direction):
    """An A|B image `(H, 2W, C)` -> `(input, target)` halves `(H, W, C)`."""
    half = tf.shape(image)[1] // 2
    a, b = image[:, :half], image[:, half : 2 * half]
    return (a, b) if direction == "AtoB" else (b, a)


def pix2pix_folder_dataset(
    path,
    direction="AtoB",
    image_size=256,
    load_size=286,
    jitter=True,
    batch_size=1,
    shuffle=True,
    seed=None,
    channels=3,
    skip_bad=False,
    drop_remainder=True,
    cache="auto",
):
    """`(inputs, targets)` batches from a folder of A|B images.

    Random jitter (Isola et al. 2017, sec 6.2): each pair is resized to
    `load_size` (286), randomly cropped to `image_size` (256) and randomly
    mirrored, the two halves identically. Without `jitter`, images are
    resized to `image_size`. The crop and mirror are seeded per example and
    change every epoch, so a seeded run repeats.

    Args:
        path: str. Folder of A|B images (e.g. `<root>/train`).
        direction: str. `"AtoB"` (A is the input) or `"BtoA"`.
        image_size: int. Output height and width.
        load_size: int. Size before the random crop (>= `image_size`).
        jitter: bool. Random resize-crop and mirror (training).
        batch_size: int. Pairs per batch (paper: 1).
        shuffle: bool. Reshuffle the files every epoch.
        seed: int or `None`. Seed of the shuffle and the jitter.
        channels: int. Channels of the images (3: RGB).
        skip_bad: bool. Skip bad files with a logged count instead of
            raising (see `pair_files`).
        drop_remainder: bool. Drop the last partial batch.
        cache: `"auto"`, `True` or `False`. Keep the decoded pairs (uint8,
            at the files' own size) in memory after the first epoch, so that
            later epochs only jitter them: files are read and decoded once.
            `"auto"` caches when the decoded pairs take at most
            `CACHE_LIMIT_BYTES`. The batches are the same either way.

    Raises:
        ValueError: a bad argument, a missing or empty folder, or a bad file
            (unless `skip_bad`), naming it.

    Example (given the facades dataset, see `download_pix2pix_dataset`)::

        ds = pix2pix_folder_dataset("facades/train", direction="BtoA")
        inputs, targets = next(iter(ds))  # (1, 256, 256, 3) each
    """
    utils.check_choice("direction", direction, DIRECTIONS)
    image_size = utils.check_int("image_size", image_size, minimum=1)
    load_size = utils.check_int("load_size", load_size, minimum=image_size)
    channels = utils.check_int("channels", channels, minimum=1)
    batch_size = utils.check_int("batch_size", batch_size, minimum=1)
    if cache not in ("auto", True, False):
        raise ValueError(
            f'`cache` must be "auto", True or False. Received: cache={cache!r}'
        )
    files, orientations, pixels = _checked_pair_files(path, channels, skip_bad)
    if drop_remainder and len(files) < batch_size:
        raise ValueError(
            f"path={os.fspath(path)!r} holds {len(files)} pair(s), fewer than "
            f"batch_size={batch_size}: with drop_remainder=True the dataset would "
            "be empty."
        )
    if cache == "auto":
        cache = sum(pixels) * channels <= CACHE_LIMIT_BYTES

    def decode(file, orientation):
        image = tf.io.decode_image(
            tf.io.read_file(file), channels=channels, expand_animations=False
        )
        image = orient(image, orientation)  # upright, as viewers show it
        a, b = _split(image, direction)
        return tf.concat([a, b], axis=-1)  # (H, W, 2C) uint8: one crop for both

    def augment(pair, example_seed):
        pair = tf.cast(pair, tf.float32)
        if jitter:
            pair = tf.image.resize(pair, [load_size, load_size])
            pair = tf.image.stateless_random_crop(
                pair,
                [image_size, image_size, 2 * channels],
                seed=tf.stack([example_seed, tf.constant(0, tf.int64)]),
            )
            pair = tf.image.stateless_random_flip_left_right(
                pair, seed=tf.stack([example_seed, tf.constant(1, tf.int64)])
            )
        else:
            pair = tf.image.resize(pair, [image_size, image_size])
        pair = utils.to_unit_range(tf.clip_by_value(pair, 0.0, 255.0))  # [-1, 1]
        pair = tf.ensure_shape(pair, [image_size, image_size, 2 * channels])
        return pair[..., :channels], pair[..., channels:]

    ds = tf.data.Dataset.from_tensor_slices((files, np.asarray(orientations, np.int32)))
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    if cache:  # decode once, in parallel and in order; shuffle the pairs
        ds = ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE).cache()
        if shuffle:
            ds = ds.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, seeds))
    else:  # shuffle the file names; decode every epoch
        if shuffle:
            ds = ds.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda entry, example_seed: (decode(*entry), example_seed)
        )
    ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return without_autotune_stall(ds.prefetch(tf.data.AUTOTUNE))


# ------------------------------------------------------------ embedded task
def digit_edges(images, threshold=0.25):
    """Binary edge maps of grey digits: thresholded Sobel gradient magnitude.

    Like the edge maps of the edges2shoes/edges2handbags datasets, these
    keep the outlines of the strokes and lose their fill and grey levels.

    Args:
        images: uint8 `(n, h, w)` grey levels.
        threshold: float. Fraction of each image's largest gradient above
            which a pixel is an edge.

    Returns:
        uint8 `(n, h, w)`: 255 on edges, 0 elsewhere.
    """
    from scipy import ndimage

    x = np.asarray(images, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"`images` must have shape (n, h, w). Received: {x.shape}")
    # Per image: a 3-D sobel would also smooth across the batch axis.
    magnitude = np.stack(
        [np.hypot(ndimage.sobel(im, axis=0), ndimage.sobel(im, axis=1)) for im in x]
    ).reshape(x.shape)
    peak = magnitude.max(axis=(1, 2), keepdims=True)
    edges = magnitude > threshold * np.maximum(peak, 1e-6)
    return (edges * 255).astype(np.uint8)


def digit_pairs(subset=None, pad_to=32):
    """The embedded paired task: digit edge maps -> digits, no network needed.

    Args:
        subset: `None` (5000), `"train"` (4000) or `"test"` (the 1000
            held-out digits), as in `data.load_digits_sample`.
        pad_to: int. Zero-pad (background) the 28x28 digits to this size
            (32: a 5-block U-Net with a 1x1 bottleneck).

    Returns:
        `(edges, digits, labels)`: uint8 `(n, pad_to, pad_to, 1)` twice
        and int64 `(n,)`.
    """
    pad_to = utils.check_int("pad_to", pad_to, minimum=28)
    images, labels = load_digits_sample(subset)
    top = (pad_to - 28) // 2
    pad = [(0, 0), (top, pad_to - 28 - top), (top, pad_to - 28 - top)]
    digits = np.pad(images, pad)
    edges = digit_edges(digits)
    return edges[..., None], digits[..., None], labels


def digit_pairs_heldout(pad_to=32):
    """The 1000 held-out `(edges, digits, labels)` pairs, for evaluation.

    Returns:
        `(edges, digits, labels)`: float32 `(1000, pad_to, pad_to, 1)` in
        [-1, 1] twice and int64 `(1000,)`.
    """
    edges, digits, labels = digit_pairs("test", pad_to=pad_to)

    def to_float(x):
        return np.asarray(utils.to_unit_range(x))

    return to_float(edges), to_float(digits), labels


def digit_pairs_dataset(
    batch_size=64,
    subset="train",
    shuffle=True,
    seed=None,
    drop_remainder=True,
    pad_to=32,
):
    """`(edges, digits)` batches in [-1, 1] of the embedded paired task.

    Args:
        batch_size: int. Pairs per batch.
        subset: `None`, `"train"` or `"test"` (see `digit_pairs`).
        shuffle: bool. Reshuffle every epoch.
        seed: int or `None`. Shuffle seed.
        drop_remainder: bool. Drop the last partial batch.
        pad_to: int. Image size (see `digit_pairs`).

    Example:
    >>> edges, digits = next(iter(digit_pairs_dataset(batch_size=8)))
    >>> edges.shape, digits.shape
    (TensorShape([8, 32, 32, 1]), TensorShape([8, 32, 32, 1]))
    """
    utils.check_int("batch_size", batch_size, minimum=1)
    edges, digits, _ = digit_pairs(subset, pad_to)
    elements = (utils.to_unit_range(edges), utils.to_unit_range(digits))
    ds = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        ds = ds.shuffle(len(edges), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return without_autotune_stall(ds.prefetch(tf.data.AUTOTUNE))
