"""Tests for `keras_gans.images.load_image`: files (EXIF orientation
applied), arrays, grey images, resizing and named errors."""

import ast
import pathlib

import numpy as np
import pytest
from PIL import Image

from keras_gans import images
from keras_gans.images import load_image


def _jpeg(path, height, width, orientation=None):
    """A JPEG of `height` x `width` stored pixels: left half dark, right half
    bright, with an EXIF Orientation tag when given."""
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[:, width // 2 :] = 255
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation  # Orientation
    Image.fromarray(pixels).save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def test_exif_orientation_is_applied(tmp_path):
    # Stored 32 high x 64 wide; Orientation 6: "rotate 90 CW to display".
    path = _jpeg(tmp_path / "portrait.jpg", 32, 64, orientation=6)
    with Image.open(path) as stored:
        assert stored.size == (64, 32) and stored.getexif()[0x0112] == 6
    image = load_image(path)
    assert image.shape == (64, 32, 3) and image.dtype == np.float32
    # The stored right (bright) half is at the bottom once turned upright.
    assert image[:24].mean() < 40 and image[-24:].mean() > 215
    # Without the tag the pixels load as stored.
    assert load_image(_jpeg(tmp_path / "plain.jpg", 32, 64)).shape == (32, 64, 3)


def test_files_and_arrays(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "a.png")
    np.testing.assert_array_equal(load_image(tmp_path / "a.png"), pixels)
    np.testing.assert_array_equal(load_image(str(tmp_path / "a.png")), pixels)
    np.testing.assert_array_equal(load_image(pixels[None]), pixels)  # (1, H, W, 3)
    grey = pixels[..., 0]
    Image.fromarray(grey).save(tmp_path / "g.png")
    expected = np.repeat(grey[..., None], 3, -1)
    np.testing.assert_array_equal(load_image(tmp_path / "g.png"), expected)
    np.testing.assert_array_equal(load_image(grey), expected)
    with pytest.raises(ValueError, match=r"must be in \[0, 255\]"):
        load_image(np.full((8, 8, 3), 300.0))  # refused, not clipped silently
    resized = load_image(pixels, size=(10, 12))
    assert resized.shape == (10, 12, 3) and load_image(pixels, 8).shape == (8, 8, 3)


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="Image file not found"):
        load_image(tmp_path / "missing.png")
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="Cannot read image file .*bad.jpg"):
        load_image(tmp_path / "bad.jpg")
    with pytest.raises(ValueError, match=r"`image` must have shape"):
        load_image(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="`size` must be an int >= 1"):
        load_image(np.zeros((4, 4, 3)), size=0)


def test_ground_floor_module():
    """`keras_gans.images` imports no model code (the ground floor)."""
    tree = ast.parse(pathlib.Path(images.__file__).read_text())
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith("keras_gans.models")]
    assert images.__all__ == ["load_image", "read_array_file", "read_image_array"]


def test_16_bit_files_are_read_at_16_bits(tmp_path):
    sixteen = (np.arange(12 * 10).reshape(12, 10) * 500).astype(np.uint16)
    Image.fromarray(sixteen).save(tmp_path / "g16.png")
    raw = images.read_image_array(tmp_path / "g16.png")
    assert raw.dtype == np.uint16 and raw.shape == (12, 10, 1)
    np.testing.assert_array_equal(raw[..., 0], sixteen)
    rgb = images.read_image_array(tmp_path / "g16.png", channels=3)
    assert rgb.shape == (12, 10, 3) and rgb.dtype == np.uint16
    # load_image scales by 255 / 65535, never clips at 255 or wraps.
    loaded = load_image(str(tmp_path / "g16.png"))
    np.testing.assert_allclose(loaded[..., 0], sixteen * 255.0 / 65535.0, atol=1e-3)
    assert loaded.max() <= 255.0


def test_8_bit_files_stay_uint8(tmp_path):
    grey = np.arange(64, dtype=np.uint8).reshape(8, 8)
    Image.fromarray(grey).save(tmp_path / "g.png")
    Image.fromarray(np.stack([grey] * 3, -1)).save(tmp_path / "c.png")
    assert images.read_image_array(tmp_path / "g.png").shape == (8, 8, 1)
    colour = images.read_image_array(tmp_path / "c.png")
    assert colour.dtype == np.uint8 and colour.shape == (8, 8, 3)
    np.testing.assert_array_equal(
        images.read_image_array(tmp_path / "c.png", 1)[..., 0], grey
    )


def test_32_bit_and_float_files_are_named_errors(tmp_path):
    Image.fromarray(np.full((4, 4), 100000, np.int32)).save(tmp_path / "i32.tiff")
    with pytest.raises(ValueError, match="32-bit integer"):
        images.read_image_array(tmp_path / "i32.tiff")
    Image.fromarray(np.ones((4, 4), np.float32)).save(tmp_path / "f.tiff")
    with pytest.raises(ValueError, match="32-bit float"):
        images.read_image_array(tmp_path / "f.tiff")
    with pytest.raises(ValueError, match="not found"):
        images.read_image_array(tmp_path / "missing.png")


def test_uint16_arrays_are_scaled_by_their_range():
    from keras_gans import utils

    x = np.array([0, 32768, 65535], np.uint16)
    np.testing.assert_allclose(
        utils.check_unit_range(x), [-1.0, 1 / 65535, 1.0], atol=1e-6
    )
