"""Reading image files and arrays as RGB pixels.

`load_image(image, size=None)` turns an image file (JPEG, PNG, GIF, BMP,
anything Pillow reads) or an array into float32 RGB `(H, W, 3)` in
[0, 255]. Files are turned upright by their EXIF `Orientation` tag, as
photo viewers show them (cameras store portrait photos as landscape pixels
with Orientation 6 or 8).
"""

import os

import numpy as np

from keras_gans import utils

__all__ = ["load_image"]


def _read_file(path):
    """Decodes an image file to uint8 RGB `(H, W, 3)`, EXIF orientation applied."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)  # upright, as viewers show it
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"Cannot read image file {path}: {error}") from error


def load_image(image, size=None):
    """An image file or array as float32 RGB `(H, W, 3)` in [0, 255].

    Args:
        image: a path to an image file (JPEG, PNG, GIF: first frame, BMP, ...;
            turned upright by its EXIF orientation), or an array `(H, W, 3)`
            (or `(1, H, W, 3)`) of uint8 or float in [0, 255]; grey images
            `(H, W)` / `(H, W, 1)` are repeated to RGB.
        size: optional int or `(height, width)`: bilinear (antialiased)
            resize to it.

    Returns:
        float32 NumPy array `(H, W, 3)`, clipped to [0, 255].

    Raises:
        ValueError: a missing or unreadable file, an array of another shape,
            or a bad `size`.

    Example:
    >>> load_image(np.full((4, 6), 255, np.uint8), size=2).shape
    (2, 2, 3)
    """
    if isinstance(image, (str, os.PathLike)):
        path = os.fspath(image)
        if not os.path.isfile(path):
            raise ValueError(f"Image file not found: {path}")
        image = _read_file(path)
    array = np.asarray(image)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[-1] not in (1, 3):
        raise ValueError(
            "`image` must have shape (H, W, 3), (H, W, 1) or (H, W). Received: "
            f"image.shape={array.shape}"
        )
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    array = array.astype("float32")
    if size is not None:
        import tensorflow as tf

        h, w = utils.check_image_size(size, name="size")
        array = tf.image.resize(array, (h, w), antialias=True).numpy()
    return np.clip(array, 0.0, 255.0)
