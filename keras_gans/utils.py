"""Argument checks and image-range conversions: one of each, used everywhere.

Every public entry of keras_gans checks its arguments with these helpers, so
a bad value is always answered the same way: a `ValueError` naming the
argument and the value received, e.g.
``ValueError("`batch_size` must be an int >= 1. Received: batch_size=0")``.

Image ranges: models draw and take float images in [-1, 1]; files, plots
and served `uint8` outputs use [0, 255]. `to_unit_range` and `to_uint8`
convert between them with `x / 127.5 - 1` and `round((x + 1) * 127.5)`.
"""

import contextlib
import numbers
import os
import threading

import numpy as np

__all__ = [
    "NONNEGATIVE_MIN_VALUES",
    "RANGE_TOLERANCE",
    "assume_unit_range",
    "check_choice",
    "check_float",
    "check_image_size",
    "check_int",
    "check_no_symlink_loops",
    "check_pixel_range",
    "check_unit_range",
    "is_int",
    "keras_home",
    "to_uint8",
    "to_unit_range",
]

# Float images may exceed [-1, 1] by this much (rounding of a tanh output,
# resampling) and are clipped; beyond it they are rejected.
RANGE_TOLERANCE = 1e-3


def is_int(value):
    """True for Python and NumPy integers, False for bools and floats.

    >>> is_int(3), is_int(np.int64(3)), is_int(True), is_int(3.0)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(name, value, minimum=None, maximum=None):
    """Returns `value` as an `int`, or raises a `ValueError` naming `name`.

    Args:
        name: str. The argument's name, as the caller spells it.
        value: the value received. Python and NumPy integers pass; bools,
            floats and strings do not.
        minimum: int or `None`. Smallest allowed value.
        maximum: int or `None`. Largest allowed value.

    Raises:
        ValueError: `value` is not an integer in `[minimum, maximum]`.

    >>> check_int("epochs", np.int32(3), minimum=1)
    3
    >>> check_int("epochs", 0, minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be an int >= 1. Received: epochs=0
    """
    ok = is_int(value)
    ok = ok and (minimum is None or value >= minimum)
    ok = ok and (maximum is None or value <= maximum)
    if not ok:
        if minimum is not None and maximum is not None:
            bound = f" in [{minimum}, {maximum}]"
        elif minimum is not None:
            bound = f" >= {minimum}"
        elif maximum is not None:
            bound = f" <= {maximum}"
        else:
            bound = ""
        raise ValueError(f"`{name}` must be an int{bound}. Received: {name}={value!r}")
    return int(value)


def check_float(name, value, minimum=None, maximum=None, exclusive=False):
    """Returns `value` as a finite `float` in range, or raises a `ValueError`.

    Args:
        name: str. The argument's name.
        value: a real number (ints pass; bools do not).
        minimum, maximum: float or `None`. Bounds of the allowed range.
        exclusive: bool. The bounds themselves are not allowed.

    Raises:
        ValueError: `value` is not a finite real number in range.

    >>> check_float("ema_decay", 0.999, 0.0, 1.0, exclusive=True)
    0.999
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and np.isfinite(value)
    if ok and minimum is not None:
        ok = value > minimum if exclusive else value >= minimum
    if ok and maximum is not None:
        ok = value < maximum if exclusive else value <= maximum
    if not ok:
        low = "(" if exclusive else "["
        high = ")" if exclusive else "]"
        lo = "-inf" if minimum is None else minimum
        hi = "inf" if maximum is None else maximum
        raise ValueError(
            f"`{name}` must be a finite number in {low}{lo}, {hi}{high}. "
            f"Received: {name}={value!r}"
        )
    return float(value)


def check_choice(name, value, choices):
    """Returns `value` if it is one of `choices`, else raises a `ValueError`.

    >>> check_choice("direction", "AtoB", ("AtoB", "BtoA"))
    'AtoB'
    """
    if value not in choices:
        raise ValueError(
            f"`{name}` must be one of {tuple(choices)}. Received: {name}={value!r}"
        )
    return value


def check_image_size(image_size, name="image_size", minimum=1):
    """`64` or `(64, 48)` -> `(height, width)` as ints; else a `ValueError`.

    >>> check_image_size(28), check_image_size((32, 16))
    ((28, 28), (32, 16))
    """
    pair = (image_size, image_size) if is_int(image_size) else image_size
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(is_int(v) and v >= minimum for v in pair)
    ):
        raise ValueError(
            f"`{name}` must be an int >= {minimum} or a pair (height, width) of "
            f"them. Received: {name}={image_size!r}"
        )
    return int(pair[0]), int(pair[1])


def to_unit_range(images):
    """uint8 [0, 255] images -> float32 in [-1, 1] (`x / 127.5 - 1`).

    Works on NumPy arrays and on tensors (it returns the same kind).

    >>> to_unit_range(np.array([0, 255], np.uint8)).tolist()
    [-1.0, 1.0]
    """
    if isinstance(images, np.ndarray) or np.isscalar(images):
        return np.asarray(images, np.float32) / np.float32(127.5) - np.float32(1.0)
    import tensorflow as tf

    return tf.cast(images, tf.float32) / 127.5 - 1.0


def to_uint8(images):
    """Images in [-1, 1] -> uint8 in [0, 255] as `round((x + 1) * 127.5)`.

    Values outside [-1, 1] are clipped and NaN becomes 0; uint8 input is
    returned unchanged. Works on NumPy arrays and on tensors (a tensor gives a
    `tf.uint8` tensor).

    Raises:
        ValueError: integer (but not uint8) or bool images.

    >>> to_uint8(np.array([-1.0, 0.0, 1.0])).tolist()
    [0, 128, 255]
    """
    if not isinstance(images, (np.ndarray, list, tuple, numbers.Number)):
        try:
            import tensorflow as tf
        except ImportError:  # pragma: no cover
            tf = None
        if tf is not None and tf.is_tensor(images):
            if images.dtype == tf.uint8:
                return images
            x = tf.cast(images, tf.float32)
            x = tf.where(tf.math.is_nan(x), -tf.ones_like(x), x)
            x = tf.round((tf.clip_by_value(x, -1.0, 1.0) + 1.0) * 127.5)
            return tf.cast(x, tf.uint8)
        images = np.asarray(images)
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    if images.dtype == np.bool_ or np.issubdtype(images.dtype, np.integer):
        raise ValueError(
            f"`images` must be float in [-1, 1] or uint8. Received dtype={images.dtype}"
        )
    x = np.nan_to_num(images.astype(np.float32), nan=-1.0, posinf=1.0, neginf=-1.0)
    return np.rint((np.clip(x, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


# A float batch of at least this many values with no value below 0 is taken
# for [0, 1] images (see `check_unit_range`).
NONNEGATIVE_MIN_VALUES = 1024

_ASSUME_UNIT_RANGE = threading.local()


@contextlib.contextmanager
def assume_unit_range():
    """Context in which `check_unit_range` accepts non-negative float batches.

    `check_unit_range` refuses a float batch with no negative value (it looks
    like [0, 1] images). Inside this context such batches are accepted as
    [-1, 1] images, e.g. a set of very bright photos, or an all-white batch.
    The setting is per thread.

    >>> with assume_unit_range():
    ...     check_unit_range(np.full((4, 32, 32), 0.5)).max().item()
    0.5
    """
    previous = getattr(_ASSUME_UNIT_RANGE, "on", False)
    _ASSUME_UNIT_RANGE.on = True
    try:
        yield
    finally:
        _ASSUME_UNIT_RANGE.on = previous


def _integer_or_float(images, name, float_kind):
    """`(pixels, None)` for integer images: float32 in [0, 255] (uint16
    scaled by 255 / 65535, other integers checked to lie in [0, 255]); or
    `(None, floats)`: finite float32 images. Other dtypes, out-of-range
    integers and NaN or inf are named `ValueError`s."""
    images = np.asarray(images)
    if images.dtype == np.uint16:  # 16-bit images: scaled by their own range
        return images.astype(np.float32) * np.float32(255.0 / 65535.0), None
    if np.issubdtype(images.dtype, np.integer) and images.dtype != np.bool_:
        if images.size and (images.min() < 0 or images.max() > 255):
            raise ValueError(
                f"Integer `{name}` must be in [0, 255]. Received: {name} in "
                f"[{images.min()}, {images.max()}] ({images.dtype})"
            )
        return images.astype(np.float32), None
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be {float_kind} or uint8 in [0, 255]. "
            f"Received: {name}.dtype={images.dtype}"
        )
    images = images.astype(np.float32)
    if not np.all(np.isfinite(images)):
        raise ValueError(f"`{name}` must be finite. Received: NaN or inf in {name}")
    return None, images


def check_unit_range(images, name="images", allow_nonnegative=False):
    """Float32 NumPy images in [-1, 1] from uint8 [0, 255] or float [-1, 1].

    The one place that decides which ranges an image argument may take:

    - integer images must lie in [0, 255] and are mapped to [-1, 1]; uint16
      images (16-bit files) are mapped from [0, 65535];
    - float images must be finite and lie in [-1, 1] (within
      `RANGE_TOLERANCE`, then clipped). Floats in [0, 255] are refused.
    - floats in [0, 1] lie inside [-1, 1], so they are told apart by a rule:
      a float batch of at least `NONNEGATIVE_MIN_VALUES` (1024) values whose
      minimum is >= 0, and that is not constant, is refused as "looks like
      [0, 1] images" (a constant batch, e.g. all zeros, is valid either
      way and passes). Images in
      [-1, 1] almost always hold some value below 0 (dark pixels: digit and
      sketch backgrounds, shadows), while [0, 1] images never do. Smaller
      batches are accepted as they are. A genuine non-negative [-1, 1]
      batch (all-white images, a very bright photo) passes with
      `allow_nonnegative=True` or inside `assume_unit_range()`.

    Args:
        images: array or tensor of images, any shape.
        name: str. The argument's name, used in errors.
        allow_nonnegative: bool. Accept float batches with no value below 0.

    Returns:
        float32 NumPy array of the same shape, in [-1, 1].

    Raises:
        ValueError: naming `name` and the range or dtype received.

    >>> check_unit_range(np.array([0, 255], np.uint8)).tolist()
    [-1.0, 1.0]
    >>> check_unit_range(np.array([0.0, 2.0]))
    Traceback (most recent call last):
    ...
    ValueError: Float `images` must be in [-1, 1] (pass uint8 for [0, 255]). Received: images in [0.0, 2.0]
    >>> check_unit_range(np.linspace(0.0, 1.0, 2048).reshape(2, 32, 32))
    Traceback (most recent call last):
    ...
    ValueError: Float `images` look like [0, 1] images: they must be in [-1, 1] (pass uint8 in [0, 255], or `x * 2 - 1`; for [-1, 1] images with no negative value pass allow_nonnegative=True or use `keras_gans.utils.assume_unit_range()`). Received: images in [0.0, 1.0]
    """
    try:
        import keras

        images = keras.ops.convert_to_numpy(images)
    except Exception:  # noqa: BLE001 - fall back to NumPy's own conversion
        pass
    images = np.asarray(images)
    pixels, images = _integer_or_float(images, name, "float in [-1, 1]")
    if pixels is not None:
        return pixels / np.float32(127.5) - np.float32(1.0)
    if images.size:
        low, high = float(images.min()), float(images.max())
        if low < -1.0 - RANGE_TOLERANCE or high > 1.0 + RANGE_TOLERANCE:
            raise ValueError(
                f"Float `{name}` must be in [-1, 1] (pass uint8 for [0, 255]). "
                f"Received: {name} in [{low}, {high}]"
            )
        if (
            low >= 0.0
            and high > low
            and images.size >= NONNEGATIVE_MIN_VALUES
            and not allow_nonnegative
            and not getattr(_ASSUME_UNIT_RANGE, "on", False)
        ):
            raise ValueError(
                f"Float `{name}` look like [0, 1] images: they must be in "
                "[-1, 1] (pass uint8 in [0, 255], or `x * 2 - 1`; for [-1, 1] "
                "images with no negative value pass allow_nonnegative=True or "
                "use `keras_gans.utils.assume_unit_range()`). "
                f"Received: {name} in [{low}, {high}]"
            )
    return np.clip(images, -1.0, 1.0)


def check_pixel_range(images, name="image"):
    """Float32 NumPy pixels in [0, 255] (the VGG range of the style models),
    from uint8/uint16 images or floats in [0, 255].

    The counterpart of `check_unit_range` for entry points that take
    [0, 255] pixels: integer images are scaled by their bit depth (uint16
    by 255 / 65535); float images must be finite and in [0, 255], and a
    float batch of at least `NONNEGATIVE_MIN_VALUES` values that is not
    constant and lies in [0, 1] is refused as "looks like [0, 1] images"
    (it would be taken as a near-black picture).

    Raises:
        ValueError: naming `name` and the range or dtype received.

    >>> check_pixel_range(np.array([0, 255], np.uint8)).tolist()
    [0.0, 255.0]
    >>> check_pixel_range(np.linspace(0.0, 1.0, 2048))
    Traceback (most recent call last):
    ...
    ValueError: Float `image` looks like a [0, 1] image: pixels must be in [0, 255] (pass `x * 255` or uint8). Received: image in [0.0, 1.0]
    """
    pixels, images = _integer_or_float(images, name, "float in [0, 255]")
    if pixels is not None:
        return pixels
    if images.size:
        low, high = float(images.min()), float(images.max())
        if low < -RANGE_TOLERANCE or high > 255.0 + RANGE_TOLERANCE:
            hint = " (for [-1, 1] images pass `(x + 1) * 127.5`)" if low < 0 else ""
            raise ValueError(
                f"Float `{name}` must be in [0, 255]{hint}. Received: {name} in "
                f"[{low}, {high}]"
            )
        if high <= 1.0 and high > low and images.size >= NONNEGATIVE_MIN_VALUES:
            raise ValueError(
                f"Float `{name}` looks like a [0, 1] image: pixels must be in "
                f"[0, 255] (pass `x * 255` or uint8). Received: {name} in "
                f"[{low}, {high}]"
            )
    return np.clip(images, 0.0, 255.0)


def check_no_symlink_loops(path):
    """Raises a `ValueError` naming a symlinked subfolder of the folder
    `path` that leads back into its own parents (following it would never
    end); other symlinked folders are fine.

    >>> import tempfile
    >>> check_no_symlink_loops(tempfile.mkdtemp())
    """
    for root, dirs, _ in os.walk(path, followlinks=True):
        real_root = os.path.realpath(root)
        for name in list(dirs):
            link = os.path.join(root, name)
            if not os.path.islink(link):
                continue
            target = os.path.realpath(link)
            if real_root == target or real_root.startswith(target + os.sep):
                raise ValueError(
                    f"The symlinked folder {link!r} under path={path!r} leads back "
                    f"to {target!r}, one of its own parents: a loop. Remove the "
                    "link or point it elsewhere."
                )


def keras_home():
    """The Keras cache folder: `$KERAS_HOME`, else `~/.keras` (as Keras does,
    falling back to `/tmp/.keras` when the home folder is not writable).

    Read at call time, so a test (or a user) may set `KERAS_HOME` late.
    """
    home = os.environ.get("KERAS_HOME")
    if home:
        return os.path.expanduser(home)
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")
