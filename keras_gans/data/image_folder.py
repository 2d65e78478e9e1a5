"""A folder of image files as a pipeline of images in [-1, 1].

Flat or nested folders, or one subfolder per class, indexed by
`keras.utils.image_dataset_from_directory`; every file decoded once up front
(EXIF orientation honoured), bad ones named or skipped with a logged count.
"""

import logging
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans import utils
from keras_gans.data._decode import inspect_file, orient, to_channels
from keras_gans.data._pipeline import (
    DECODABLE_FORMATS,
    batch_and_finish,
    check_not_empty,
)

__all__ = ["IMAGE_EXTENSIONS", "from_image_folder"]

logger = logging.getLogger(__name__)

# The extensions `keras.utils.image_dataset_from_directory` indexes.
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


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
    check_not_empty(len(files), batch_size, drop_remainder, f"path={path!r}")

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
        image = to_channels(image, channels)
        image = orient(image, orientation)  # upright, (h, w, c)
        if center_crop:
            image = keras.preprocessing.image.smart_resize(image, size)
        else:
            image = tf.image.resize(image, size, method="bilinear")
        image = tf.ensure_shape(image, (*size, channels))
        return (tf.clip_by_value(utils.to_unit_range(image), -1.0, 1.0), *label)

    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    return batch_and_finish(ds, batch_size, drop_remainder, random_flip, seed)


_COLOR_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


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
            orientation, _, _, fmt = inspect_file(file)
            if fmt not in DECODABLE_FORMATS:
                raise ValueError(
                    f"Image file {file!r} is {fmt} data, which TensorFlow cannot "
                    f"decode (use {', '.join(DECODABLE_FORMATS)})"
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
