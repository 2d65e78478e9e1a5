"""Reading image files and arrays as RGB pixels.

`load_image(image, size=None)` turns an image file (JPEG, PNG, GIF, BMP,
anything Pillow reads) or an array into float32 RGB `(H, W, 3)` in
[0, 255]; `read_image_array(path, channels)` decodes a file at its own bit
depth (uint8, or uint16 for 16-bit images), so that every caller scales by
the file's real range and nothing wraps or clips. Files are turned upright by their EXIF `Orientation` tag, as
photo viewers show them (cameras store portrait photos as landscape pixels
with Orientation 6 or 8).
"""

import os

import numpy as np

from keras_gans import utils

__all__ = ["load_image", "read_array_file", "read_image_array"]


def read_array_file(path):
    """Reads a `.npy` file of images as `np.save` writes it, never unpickling.

    Args:
        path: str or path-like. A `.npy` file holding one numeric array
            (unsigned/signed integers or floats), e.g. uint8 `(n, H, W)` in
            [0, 255] or float32 `(n, H, W, C)` in [-1, 1]; its range is
            the caller's to check (`keras_gans.utils.check_unit_range`).

    Returns:
        The NumPy array, as stored.

    Raises:
        FileNotFoundError: no file at `path`.
        ValueError: the file is not a `.npy` array file, or it holds Python
            objects or strings (named, never loaded).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Input file not found: {path}")
    try:  # an array file holds numbers only: never unpickle
        array = np.load(path, allow_pickle=False)
        if array.dtype.kind not in "uif":
            raise ValueError(array.dtype)
    except (ValueError, OSError, EOFError, AttributeError):
        raise ValueError(
            f"Cannot read {path} as a numeric array of images (a .npy file as "
            "np.save writes; Python objects are never loaded)"
        ) from None
    return array


def read_image_array(path, channels=None):
    """Decodes an image file at its own bit depth, EXIF orientation applied.

    8-bit images (and 16-bit colour PNGs, which Pillow reads as 8-bit RGB)
    come back as uint8; 16-bit grey images (PNG, TIFF: Pillow modes `I;16*`,
    or `I` holding values up to 65535) as uint16. Scale by the dtype's range
    (`keras_gans.utils.check_unit_range` does), never by 255 alone.

    Args:
        path: str or path-like. An image file.
        channels: `None` (the file's own: 1 for grey, 3 for colour), 1 or 3.

    Returns:
        NumPy array `(H, W, channels)`, uint8 or uint16.

    Raises:
        ValueError: the file is missing or unreadable, or its pixels are
            neither 8- nor 16-bit (32-bit integer or float images).

    Example:
    >>> import tempfile
    >>> from PIL import Image
    >>> path = os.path.join(tempfile.mkdtemp(), "a.png")
    >>> Image.fromarray(np.full((2, 3), 65535, np.uint16)).save(path)
    >>> image = read_image_array(path)
    >>> image.shape, image.dtype.name, int(image.max())
    ((2, 3, 1), 'uint16', 65535)
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"Image file not found: {path}")
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be None, 1 or 3. Received: {channels!r}")
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)  # upright, as viewers show it
            mode = image.mode
            if mode.startswith("I;16") or mode == "I":
                array = np.asarray(image)
                if array.size and (array.min() < 0 or array.max() > 65535):
                    raise ValueError(
                        f"Image file {path} holds 32-bit integer pixels in "
                        f"[{array.min()}, {array.max()}]; only 8- and 16-bit "
                        "images are read."
                    )
                array = array.astype(np.uint16)[..., None]  # (H, W, 1)
            elif mode == "F":
                raise ValueError(
                    f"Image file {path} holds 32-bit float pixels (mode F); only "
                    "8- and 16-bit images are read."
                )
            elif channels == 1 or (
                channels is None and mode in ("1", "L", "LA", "P") and _is_grey(image)
            ):
                array = np.asarray(image.convert("L"))[..., None]
            else:
                array = np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"Cannot read image file {path}: {error}") from error
    if channels == 3 and array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    if channels == 1 and array.shape[-1] == 3:  # only 8-bit arrays get here
        array = array[..., :1]
    return array


def _is_grey(image):
    """Whether a Pillow image in mode 1/L/LA/P holds grey pixels only."""
    if image.mode != "P":
        return True
    rgb = np.asarray(image.convert("RGB"))
    return bool(
        np.all(rgb[..., 0] == rgb[..., 1]) and np.all(rgb[..., 1] == rgb[..., 2])
    )


def _read_file(path):
    """Decodes an image file to RGB `(H, W, 3)` at its own bit depth (uint8,
    or uint16 for a 16-bit file; `check_pixel_range` scales by it)."""
    return read_image_array(path, channels=3)


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
        ValueError: a missing or unreadable file, an array of another shape
            or range (floats in [0, 1] or [-1, 1], values above 255: see
            `keras_gans.utils.check_pixel_range`), or a bad `size`.

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
    array = utils.check_pixel_range(array, "image")  # [0, 255]; [0, 1] refused
    if size is not None:
        import tensorflow as tf

        h, w = utils.check_image_size(size, name="size")
        array = tf.image.resize(array, (h, w), antialias=True).numpy()
    return np.clip(array, 0.0, 255.0)
