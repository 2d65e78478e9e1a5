"""Decoding image files for the pipelines: one up-front check per file, the
EXIF orientation as a tensor op, and any channel count to the one asked for."""

__all__ = ["MODE_CHANNELS", "inspect_file", "orient", "to_channels", "usable_files"]

_ORIENTATION_TAG = 0x0112  # EXIF Orientation: 1 upright ... 8

# PIL mode -> the channels `tf.io.decode_image` reads.
MODE_CHANNELS = {"1": 1, "L": 1, "LA": 2, "RGB": 3, "YCbCr": 3, "P": 3, "RGBA": 4}


def inspect_file(path):
    """Decodes an image file once: `(orientation, (width, height), mode, format)`.

    The whole file is decoded (JPEGs at reduced scale, which still reads
    every byte), so a truncated or corrupt body is found here, at load time,
    not later inside a `tf.data` pipeline. `(width, height)` is the size as
    displayed, after the EXIF orientation. Paths may be local or any
    `tf.io.gfile` file system.

    Raises:
        ValueError: the file cannot be read or decoded; the message names it.
    """
    import tensorflow as tf
    from PIL import Image

    try:
        with tf.io.gfile.GFile(path, "rb") as f, Image.open(f) as image:
            mode, fmt, size = image.mode, image.format, image.size
            try:
                orientation = int(image.getexif().get(_ORIENTATION_TAG, 1))
            except Exception:  # noqa: BLE001 - a broken EXIF block: upright
                orientation = 1
            if fmt == "JPEG":
                image.draft(image.mode, (1, 1))  # decode at 1/8 scale: faster
            image.load()
    except Exception as error:  # noqa: BLE001 - PIL raises many types
        raise ValueError(
            f"Cannot decode image file {path!r} ({type(error).__name__}: {error})"
        ) from error
    if orientation not in range(1, 9):
        orientation = 1
    if orientation >= 5:  # 5..8 swap width and height
        size = size[::-1]
    return orientation, size, mode, fmt


def orient(image, orientation):
    """Applies an EXIF orientation (1..8) to a tensor `(H, W, C)`, as
    `PIL.ImageOps.exif_transpose` does."""
    import tensorflow as tf

    image = tf.convert_to_tensor(image)

    def transpose(x):
        return tf.transpose(x, [1, 0, 2])

    branches = [
        lambda: image,  # 0: unused
        lambda: image,  # 1: upright
        lambda: tf.reverse(image, [1]),  # 2: mirrored
        lambda: tf.image.rot90(image, 2),  # 3: upside down
        lambda: tf.reverse(image, [0]),  # 4: flipped
        lambda: transpose(image),  # 5: transposed
        lambda: tf.image.rot90(image, 3),  # 6: rotate 90 clockwise
        lambda: tf.image.rot90(transpose(image), 2),  # 7: transversed
        lambda: tf.image.rot90(image, 1),  # 8: rotate 90 counter-clockwise
    ]
    index = tf.clip_by_value(tf.cast(orientation, tf.int32), 0, 8)
    return tf.switch_case(index, branches)


def to_channels(image, channels):
    """uint8 `(h, w, 1..4)` (grey, grey+alpha, RGB, RGBA) -> `channels` (1, 3, 4).

    Alpha is dropped (not composited) or added opaque; RGB becomes grey with
    `tf.image.rgb_to_grayscale`'s weights.
    """
    import tensorflow as tf

    c = tf.shape(image)[-1]
    opaque = tf.fill(
        tf.concat([tf.shape(image)[:2], [1]], 0), tf.constant(255, tf.uint8)
    )
    grey, colour = image[..., :1], image[..., : tf.minimum(c, 3)]
    rgb = tf.cond(c >= 3, lambda: colour, lambda: tf.tile(grey, [1, 1, 3]))
    if channels == 3:
        return tf.ensure_shape(rgb, (None, None, 3))
    if channels == 4:
        alpha = tf.cond(tf.equal(c % 2, 0), lambda: image[..., -1:], lambda: opaque)
        return tf.ensure_shape(tf.concat([rgb, alpha], -1), (None, None, 4))

    def to_grey():
        x = tf.image.rgb_to_grayscale(tf.cast(rgb, tf.float32))
        return tf.cast(tf.round(x), tf.uint8)

    return tf.ensure_shape(tf.cond(c >= 3, to_grey, lambda: grey), (None, None, 1))


def usable_files(files, problem_of, *, path, what, caller, logger, skip_bad):
    """The files of a folder that `problem_of` finds nothing wrong with.

    The one bad-file rule of the folder pipelines (`pix2pix_folder_dataset`,
    `unpaired_folder_dataset`): a bad file raises, naming it, unless
    `skip_bad`, when it is skipped and all skips are counted in one warning.

    Args:
        files: list of str, the candidate files (already sorted).
        problem_of: callable, `file -> (problem, info)`: `problem` is `None`
            for a usable file or a str saying what is wrong; `info` is kept
            for the caller (e.g. the orientation and size of an A|B image).
        path: str, the folder (named in the errors).
        what: str, what a file should be, e.g. `"A|B image"` or `"image"`.
        caller: str, the public function named in the warning.
        logger: `logging.Logger` the skip count goes to (the caller's).
        skip_bad: bool, skip bad files instead of raising.

    Returns:
        list of `(file, info)` for the usable files, in order.

    Raises:
        ValueError: a bad file (unless `skip_bad`), naming it and its
            problem; or no usable file, naming `path`.
    """
    good, bad = [], []
    for file in files:
        problem, info = problem_of(file)
        if problem is None:
            good.append((file, info))
        elif skip_bad:
            bad.append((file, problem))
        else:
            raise ValueError(
                f"Bad {what} file {file!r}: {problem}. Fix or remove it, or pass "
                "skip_bad=True to skip such files (with a logged count)."
            )
    if bad:
        logger.warning(
            "%s: skipped %d bad file(s) under %r, e.g. %r: %s",
            caller,
            len(bad),
            path,
            bad[0][0],
            bad[0][1],
        )
    if not good:
        raise ValueError(f"No usable {what}s in path={path!r}.")
    return good
