"""Tests for `keras_gans.plotting`: exact grid pixels, PNGs read back."""

import matplotlib.image
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import plotting


def _read_png(path):
    """Reads a PNG as uint8 (imread gives floats in [0, 1])."""
    return np.rint(matplotlib.image.imread(path) * 255).astype(np.uint8)


# --- image_grid --------------------------------------------------------------


def test_to_uint8_mapping():
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, -3.0, 2.0, np.nan], "float32")
    # round((x + 1) * 127.5): 0, 63.75, 127.5, 191.25, 255; clipped; NaN -> 0.
    assert plotting.to_uint8(x).tolist() == [0, 64, 128, 191, 255, 0, 255, 0]
    u = np.array([0, 7, 255], np.uint8)
    assert plotting.to_uint8(u) is u


def test_image_grid_exact_pixels_2x2_of_2x2():
    # Image i is filled with value v_i; one pixel of image 0 differs.
    values = np.array([-1.0, -0.5, 0.5, 1.0], "float32")
    images = np.broadcast_to(values[:, None, None, None], (4, 2, 2, 1)).copy()
    images[0, 1, 0, 0] = 0.0
    grid = plotting.image_grid(images, padding=1, pad_value=0.0)
    # 0 -> 0, -0.5 -> 64, 0.5 -> 191, 1 -> 255, pad 0.0 -> 128.
    p = 128
    expected = np.array(
        [
            [0, 0, p, 64, 64],
            [128, 0, p, 64, 64],
            [p, p, p, p, p],
            [191, 191, p, 255, 255],
            [191, 191, p, 255, 255],
        ],
        np.uint8,
    )
    assert grid.dtype == np.uint8
    np.testing.assert_array_equal(grid, expected)


def test_image_grid_default_padding_is_white_and_only_between_tiles():
    images = -np.ones((4, 2, 2, 3), "float32")
    grid = plotting.image_grid(images)
    assert grid.shape == (2 + 2 + 2, 2 + 2 + 2, 3)
    black = np.zeros((6, 6), bool)
    black[:2, :2] = black[:2, 4:] = black[4:, :2] = black[4:, 4:] = True
    assert (grid[black] == 0).all()
    assert (grid[~black] == 255).all()


def test_image_grid_uint8_passes_through_and_empty_cells_are_padding():
    images = np.arange(3 * 2 * 2, dtype=np.uint8).reshape(3, 2, 2)
    grid = plotting.image_grid(images, rows=2, cols=2, padding=0, pad_value=-1.0)
    np.testing.assert_array_equal(grid[:2, :2], images[0])
    np.testing.assert_array_equal(grid[:2, 2:], images[1])
    np.testing.assert_array_equal(grid[2:, :2], images[2])
    np.testing.assert_array_equal(grid[2:, 2:], 0)


def test_image_grid_accepts_tensors():
    images = tf.zeros((2, 3, 3, 1))
    np.testing.assert_array_equal(plotting.image_grid(images, padding=0), 128)


@pytest.mark.parametrize(
    "n, rows, cols, expected",
    [
        (1, None, None, (1, 1)),
        (4, None, None, (2, 2)),
        (5, None, None, (2, 3)),
        (10, None, None, (3, 4)),
        (64, None, None, (8, 8)),
        (10, 2, None, (2, 5)),
        (10, None, 3, (4, 3)),
        (6, 3, 3, (3, 3)),
    ],
)
def test_grid_shape_inference(n, rows, cols, expected):
    assert plotting.grid_shape(n, rows, cols) == expected
    images = np.zeros((n, 4, 5, 1), "float32")
    grid = plotting.image_grid(images, rows=rows, cols=cols, padding=2)
    r, c = expected
    assert grid.shape == (r * 4 + (r - 1) * 2, c * 5 + (c - 1) * 2)


def test_image_grid_output_shapes_by_channels():
    assert plotting.image_grid(np.zeros((2, 4, 4))).shape == (4, 10)
    assert plotting.image_grid(np.zeros((2, 4, 4, 1))).shape == (4, 10)
    assert plotting.image_grid(np.zeros((2, 4, 4, 3))).shape == (4, 10, 3)
    assert plotting.image_grid(np.zeros((2, 4, 4, 4))).shape == (4, 10, 4)


@pytest.mark.parametrize(
    "shape, kwargs, message",
    [
        ((5, 2, 2, 1), {"rows": 2, "cols": 2}, r"holds 4 images, fewer than the 5"),
        ((4, 2, 2, 1), {"rows": 0}, r"`rows` must be an int >= 1.*rows=0"),
        ((4, 2, 2, 1), {"cols": 1.5}, r"`cols` must be an int >= 1.*cols=1.5"),
        ((2, 2), {}, r"`images` must have shape.*images.shape=\(2, 2\)"),
        ((1, 2, 2, 2, 1), {}, r"images.shape=\(1, 2, 2, 2, 1\)"),
        ((3, 2, 2, 2), {}, r"C in \{1, 3, 4\}.*images.shape=\(3, 2, 2, 2\)"),
        ((0, 2, 2, 1), {}, r"at least one image.*images.shape=\(0, 2, 2, 1\)"),
        ((1, 2, 2, 1), {"padding": -1}, r"`padding` must be.*padding=-1"),
        ((1, 2, 2, 1), {"pad_value": 2.0}, r"`pad_value` must be.*pad_value=2.0"),
    ],
)
def test_image_grid_rejects_bad_input(shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plotting.image_grid(np.zeros(shape, "float32"), **kwargs)


def test_image_grid_rejects_integer_images_other_than_uint8():
    with pytest.raises(ValueError, match="dtype=int64"):
        plotting.image_grid(np.zeros((1, 2, 2, 1), np.int64))


# --- save_image_grid ---------------------------------------------------------


def test_save_image_grid_grey_png_has_the_grid_pixels(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (6, 5, 4, 1)).astype("float32")
    path = tmp_path / "new" / "dir" / "grid.png"
    out = plotting.save_image_grid(images, path, rows=2)
    assert out == str(path) and path.is_file()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png = _read_png(path)  # grey is written as equal RGB(A) channels
    grid = plotting.image_grid(images, rows=2)
    assert png.shape[:2] == grid.shape and png.shape[2] in (3, 4)
    for channel in range(3):
        np.testing.assert_array_equal(png[..., channel], grid)
    assert (png[..., 3:] == 255).all()  # opaque


def test_save_image_grid_rgb_png_has_the_grid_pixels(tmp_path):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (3, 4, 4, 3), dtype=np.uint8)
    path = plotting.save_image_grid(images, tmp_path / "rgb.png", padding=0)
    png = _read_png(path)
    grid = plotting.image_grid(images, padding=0)
    assert png.shape[:2] == grid.shape[:2]
    np.testing.assert_array_equal(png[..., :3], grid)


def test_save_image_grid_with_title(tmp_path):
    images = np.zeros((4, 8, 8, 1), "float32")
    path = plotting.save_image_grid(images, tmp_path / "t.png", title="epoch 3")
    png = _read_png(path)
    assert png.ndim == 3 and png.shape[2] in (3, 4)
    # Upscaled to >= 320 px wide, with a title band above the grid.
    assert png.shape[1] >= 320 and png.shape[0] > png.shape[1]


# --- plot_loss_curves --------------------------------------------------------


def test_plot_loss_curves_writes_a_png(tmp_path):
    history = {
        "d_loss": [1.2, 0.9, float("nan"), 0.8],
        "g_loss": np.array([0.7, 1.1, 1.3, 1.2], "float32"),
        "d_acc": [None, 0.5, 0.6, 0.7],
        "note": ["a", "b", "c", "d"],  # not numeric: skipped
    }
    path = plotting.plot_loss_curves(history, tmp_path / "sub" / "loss.png", "losses")
    png = matplotlib.image.imread(path)
    assert png.shape == (500, 800, 4)
    assert png[..., :3].std() > 0  # something was drawn


def test_plot_loss_curves_accepts_a_keras_history_and_epoch_key(tmp_path):
    class FakeHistory:
        history = {"epoch": [3, 4], "loss": [0.5, 0.4]}

    path = plotting.plot_loss_curves(FakeHistory(), tmp_path / "h.png")
    assert matplotlib.image.imread(path).shape == (500, 800, 4)


def test_plot_loss_curves_rejects_nothing_to_plot(tmp_path):
    with pytest.raises(ValueError, match=r"no numeric series.*\['note'\]"):
        plotting.plot_loss_curves({"note": ["x"]}, tmp_path / "x.png")
    with pytest.raises(ValueError, match="must be a dict"):
        plotting.plot_loss_curves([1.0, 2.0], tmp_path / "x.png")
