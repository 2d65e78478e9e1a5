"""Image grids and loss curves, written as PNG files with matplotlib.

Everything here draws on a `matplotlib.figure.Figure` with an Agg canvas or
writes pixels with `matplotlib.image.imsave`: no `pyplot` state, no display,
safe in threads and on headless machines.

- `image_grid`: tiles a batch of images into one uint8 array.
- `save_image_grid`: writes that grid as a PNG, with an optional title.
- `plot_loss_curves`: draws every numeric series of a training history
  (e.g. `keras.callbacks.History.history`) against the epoch.

Of `keras_gans` it imports only `utils`.
"""

import io
import math
import numbers
import os
import uuid

import matplotlib.image
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from keras_gans import utils

__all__ = [
    "grid_shape",
    "image_grid",
    "plot_loss_curves",
    "save_gif",
    "save_image_grid",
    "to_uint8",
]

_DPI = 100
_MIN_TITLED_WIDTH_PX = 320  # titled grids are upscaled to at least this width
_TITLE_BAND_PX = 32


# Images in [-1, 1] -> uint8 as `round((x + 1) * 127.5)` (clipped, NaN -> 0);
# kept here because users call `plotting.to_uint8`.
to_uint8 = utils.to_uint8


def grid_shape(n, rows=None, cols=None):
    """Returns `(rows, cols)` for `n` tiles, filling in what is not given.

    With neither given the grid is square-ish: `cols = ceil(sqrt(n))`,
    `rows = ceil(n / cols)`. With one given, the other is just large enough.

    Example:

    >>> grid_shape(10)
    (3, 4)
    >>> grid_shape(10, rows=2)
    (2, 5)
    """
    for name, value in (("rows", rows), ("cols", cols)):
        if value is not None:
            utils.check_int(name, value, minimum=1)
    if rows is None and cols is None:
        cols = math.ceil(math.sqrt(n))
    if rows is None:
        rows = math.ceil(n / cols)
    elif cols is None:
        cols = math.ceil(n / rows)
    if rows * cols < n:
        raise ValueError(
            f"A {rows}x{cols} grid holds {rows * cols} images, fewer than the "
            f"{n} given. Received: rows={rows}, cols={cols}, n={n}"
        )
    return int(rows), int(cols)


def image_grid(images, rows=None, cols=None, padding=2, pad_value=1.0):
    """Tiles a batch of images into one uint8 image.

    Tiles are laid out row by row, separated by `padding` pixels of
    `pad_value` (there is no outer border); cells past the last image are
    filled with `pad_value` too. Float images are mapped from [-1, 1] to
    [0, 255] as `round((x + 1) * 127.5)` (clipped; NaN becomes 0).

    Args:
        images: array-like `(n, H, W, C)` with C in {1, 3, 4}, or `(n, H, W)`;
            float in [-1, 1] or uint8. Tensors are accepted.
        rows: int or `None`. Number of grid rows; inferred when `None`.
        cols: int or `None`. Number of grid columns; inferred when `None`
            (square-ish when both are `None`, see `grid_shape`).
        padding: int. Pixels between neighbouring tiles.
        pad_value: float in [-1, 1]. Colour of padding and empty cells, on
            the same scale as float images (1.0 = white, -1.0 = black).

    Returns:
        uint8 array `(rows * H + (rows - 1) * padding,
        cols * W + (cols - 1) * padding, C)`, or 2-D without the last axis
        when the images have one channel (or none).

    Example:

    >>> images = np.zeros((6, 8, 8, 3), "float32")
    >>> image_grid(images, padding=1).shape
    (17, 26, 3)
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4) or (
        images.ndim == 4 and images.shape[-1] not in (1, 3, 4)
    ):
        raise ValueError(
            "`images` must have shape (n, H, W, C) with C in {1, 3, 4}, or "
            f"(n, H, W). Received: images.shape={images.shape}"
        )
    if images.shape[0] == 0:
        raise ValueError(
            f"`images` must hold at least one image. Received: images.shape="
            f"{images.shape}"
        )
    utils.check_int("padding", padding, minimum=0)
    utils.check_float("pad_value", pad_value, -1.0, 1.0)
    images = utils.to_uint8(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]  # (n, H, W)
    n, h, w = images.shape[:3]
    rows, cols = grid_shape(n, rows, cols)
    channels = images.shape[3:]  # () or (C,)
    fill = utils.to_uint8(np.float32(pad_value))
    grid = np.full(
        (rows * h + (rows - 1) * padding, cols * w + (cols - 1) * padding) + channels,
        fill,
        dtype=np.uint8,
    )
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        top, left = r * (h + padding), c * (w + padding)
        grid[top : top + h, left : left + w] = image
    return grid


def _prepare_path(path):
    import tensorflow as tf

    path = os.fspath(path)
    parent = path.rsplit("/", 1)[0] if "://" in path else os.path.dirname(path)
    if parent and not parent.endswith(":/"):  # not the bare root of `scheme://`
        tf.io.gfile.makedirs(parent)
    return path


def _save_png(fig, path):
    """Writes `fig` as a PNG at `path` (see `_write_png`)."""
    return _write_png(lambda f: fig.savefig(f, dpi=_DPI, format="png"), path)


def _write_png(render, path):
    """`render(file_object)` -> `path`, whole or not at all (temporary name,
    then rename), through `tf.io.gfile` (local or `gs://`-style paths)."""
    import tensorflow as tf

    buffer = io.BytesIO()
    render(buffer)
    temporary = f"{path}.tmp-{uuid.uuid4().hex}"
    try:
        with tf.io.gfile.GFile(temporary, "wb") as f:
            f.write(buffer.getvalue())
        tf.io.gfile.rename(temporary, path, overwrite=True)
    finally:
        if tf.io.gfile.exists(temporary):
            tf.io.gfile.remove(temporary)
    return path


def save_image_grid(images, path, rows=None, cols=None, title=None, padding=2):
    """Writes a grid of images (see `image_grid`) as a PNG file.

    Without a title the PNG holds exactly the grid's pixels. With a title the
    grid is drawn (upscaled by an integer factor, nearest neighbour) on a
    figure with the title above it. One-channel images are written as grey
    (equal RGB channels), pixel for pixel.
    Missing parent folders are created.

    Args:
        images: array-like `(n, H, W, C)` or `(n, H, W)`, float in [-1, 1]
            or uint8.
        path: str or path-like. Where to write; always PNG format.
        rows: int or `None`. Grid rows, inferred when `None`.
        cols: int or `None`. Grid columns, inferred when `None`.
        title: str or `None`. Text drawn above the grid.
        padding: int. Pixels between tiles.

    Returns:
        The path written, as a string.

    Example:

    >>> import tempfile
    >>> images = np.random.uniform(-1, 1, (16, 28, 28, 1))
    >>> path = save_image_grid(images, tempfile.mkdtemp() + "/grid.png")
    """
    grid = image_grid(images, rows=rows, cols=cols, padding=padding)
    if grid.ndim == 2:
        # Grey as equal RGB channels: matplotlib's "gray" colormap rounds some
        # levels down by one, this keeps every pixel exact.
        grid = np.repeat(grid[..., None], 3, axis=-1)  # (H, W, 3)
    path = _prepare_path(path)
    if title is None:
        _write_png(lambda f: matplotlib.image.imsave(f, grid, format="png"), path)
        return path
    height, width = grid.shape[:2]
    scale = max(1, math.ceil(_MIN_TITLED_WIDTH_PX / width))
    fig_w, fig_h = width * scale, height * scale + _TITLE_BAND_PX
    fig = Figure(figsize=(fig_w / _DPI, fig_h / _DPI), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, height * scale / fig_h))
    ax.imshow(grid, interpolation="nearest")
    ax.set_axis_off()
    fig.text(
        0.5,
        1.0 - 0.5 * _TITLE_BAND_PX / fig_h,
        title,
        ha="center",
        va="center",
        fontsize=12,
    )
    _save_png(fig, path)
    return path


def save_gif(images, path, duration_ms=80, scale=1, loop=0):
    """Writes a sequence of images as an animated GIF (Pillow), one per frame.

    Args:
        images: array-like `(n, H, W, C)` or `(n, H, W)`, float in [-1, 1]
            or uint8; one or three channels.
        path: str or path-like. Where to write; missing folders are created.
        duration_ms: int. Display time of each frame in milliseconds.
        scale: int >= 1. Nearest-neighbour upscaling factor.
        loop: int. Times to loop; 0 loops forever.

    Returns:
        The path written, as a string.

    Example:

    >>> import tempfile
    >>> frames = np.linspace(-1, 1, 4).reshape(4, 1, 1, 1) * np.ones((4, 8, 8, 1))
    >>> path = save_gif(frames, tempfile.mkdtemp() + "/walk.gif")
    """
    from PIL import Image

    scale = utils.check_int("scale", scale, minimum=1)
    frames = np.asarray(images)
    if frames.dtype != np.uint8:
        frames = utils.to_uint8(frames)
    if frames.ndim == 4 and frames.shape[-1] == 1:
        frames = frames[..., 0]
    if scale > 1:
        frames = frames.repeat(scale, axis=1).repeat(scale, axis=2)
    pictures = [Image.fromarray(frame) for frame in frames]
    path = _prepare_path(path)

    def render(f):
        pictures[0].save(
            f,
            format="GIF",
            save_all=True,
            append_images=pictures[1:],
            duration=int(duration_ms),
            loop=int(loop),
        )

    _write_png(render, path)
    return path


def _as_series(values):
    """Returns `values` as a float array, or `None` if it is not numeric."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        return None
    out = []
    for v in values:
        if v is None:
            out.append(np.nan)
        elif isinstance(v, bool) or not (
            isinstance(v, numbers.Real) or (np.ndim(v) == 0 and _is_real(v))
        ):
            return None
        else:
            out.append(float(v))
    if not out:
        return None
    series = np.asarray(out, dtype=np.float64)
    series[~np.isfinite(series)] = np.nan
    return series


def _is_real(value):
    try:
        return np.issubdtype(np.asarray(value).dtype, np.number)
    except TypeError:
        return False


def plot_loss_curves(history, path, title=None):
    """Plots every numeric series of a training history against the epoch.

    Series whose values are not all numbers are skipped. `None`, NaN and
    infinite values leave gaps. If the history has an `"epoch"` series it
    gives the x values (as written by `keras_gans.callbacks.LossCurves`);
    otherwise series are plotted against epochs 1, 2, ...

    Args:
        history: dict of name -> list of numbers, such as
            `keras.callbacks.History.history`, or an object with such a
            `.history` attribute (the `History` returned by `fit`).
        path: str or path-like. Where to write the PNG; parent folders are
            created.
        title: str or `None`. Figure title.

    Returns:
        The path written, as a string.

    Example:

    >>> import tempfile
    >>> history = {"d_loss": [1.2, 0.9, 0.8], "g_loss": [0.7, 1.1, 1.3]}
    >>> path = plot_loss_curves(history, tempfile.mkdtemp() + "/loss.png")
    """
    history = getattr(history, "history", history)
    if not hasattr(history, "items"):
        raise ValueError(
            "`history` must be a dict of lists (or a keras History). "
            f"Received: history of type {type(history).__name__}"
        )
    epochs = None
    if "epoch" in history:
        epochs = _as_series(history["epoch"])
    series = {}
    for name, values in history.items():
        if name == "epoch":
            continue
        values = _as_series(values)
        if values is not None:
            series[str(name)] = values
    if not series:
        raise ValueError(
            "`history` has no numeric series to plot. "
            f"Received keys: {sorted(map(str, history))}"
        )
    fig = Figure(figsize=(8, 5), dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for name, values in series.items():
        if epochs is not None and len(epochs) == len(values):
            x = epochs
        else:
            x = np.arange(1, len(values) + 1)
        marker = "o" if len(values) <= 30 else None
        ax.plot(x, values, label=name, marker=marker, markersize=3)
    ax.set_xlabel("epoch")
    ax.set_ylabel("value")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best")
    if title is not None:
        ax.set_title(title)
    fig.tight_layout()
    path = _prepare_path(path)
    _save_png(fig, path)
    return path
