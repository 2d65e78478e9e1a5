"""Tests for `keras_gans.data`: every loader, offline (TFDS through mock_data)."""

import logging
import os

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_gans import data


def _batches(ds):
    return [tuple(t.numpy() for t in element) for element in ds]


def _check_images(images, shape):
    assert images.dtype == np.float32
    assert images.shape == shape
    assert images.min() >= -1.0 and images.max() <= 1.0


# --- embedded digits ---------------------------------------------------------


@pytest.mark.parametrize("subset, n", [(None, 5000), ("train", 4000), ("test", 1000)])
def test_load_digits_sample(subset, n):
    images, labels = data.load_digits_sample(subset)
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == set(range(10))
    assert images.min() == 0 and images.max() == 255


def test_load_digits_sample_subsets_split_the_whole():
    all_images, all_labels = data.load_digits_sample()
    train, test = data.load_digits_sample("train"), data.load_digits_sample("test")
    np.testing.assert_array_equal(np.concatenate([train[0], test[0]]), all_images)
    np.testing.assert_array_equal(np.concatenate([train[1], test[1]]), all_labels)


def test_load_digits_sample_bad_subset():
    with pytest.raises(ValueError, match="subset='valid'"):
        data.load_digits_sample("valid")


def test_digits_dataset_elements():
    images, labels = next(iter(data.digits_dataset(batch_size=32, seed=0)))
    _check_images(images.numpy(), (32, 28, 28, 1))
    assert labels.dtype == tf.int32 and labels.shape == (32,)
    (element,) = data.digits_dataset(batch_size=32, with_labels=False).take(1)
    assert len(element) == 1
    assert element[0].shape == (32, 28, 28, 1)


def test_digits_dataset_range_and_batches():
    ds = data.digits_dataset(batch_size=64, subset="test", shuffle=False)
    batches = _batches(ds)
    assert len(batches) == 1000 // 64  # remainder dropped
    images = np.concatenate([b[0] for b in batches])
    assert images.min() == -1.0 and images.max() == 1.0
    kept = data.digits_dataset(batch_size=64, subset="test", drop_remainder=False)
    assert sum(b[0].shape[0] for b in _batches(kept)) == 1000


def test_digits_dataset_pad_to_is_background():
    ds = data.digits_dataset(batch_size=100, subset="test", shuffle=False, pad_to=32)
    images, labels = next(iter(ds))
    images = images.numpy()
    _check_images(images, (100, 32, 32, 1))
    # 28 -> 32: two rows/columns of background (-1) on every side.
    border = np.ones((32, 32), bool)
    border[2:30, 2:30] = False
    assert np.all(images[:, border] == -1.0)
    raw, _ = data.load_digits_sample("test")
    np.testing.assert_allclose(
        images[:, 2:30, 2:30, 0], raw[:100] / 127.5 - 1.0, atol=1e-6
    )


def test_from_arrays_errors():
    images = np.zeros((10, 8, 8), np.uint8)
    with pytest.raises(ValueError, match="images.shape"):
        data.from_arrays(np.zeros((10, 8), np.uint8))
    with pytest.raises(ValueError, match="labels.shape"):
        data.from_arrays(images, labels=np.zeros(9))
    with pytest.raises(ValueError, match="batch_size=0"):
        data.from_arrays(images, batch_size=0)
    with pytest.raises(ValueError, match="pad_to=4"):
        data.from_arrays(images, pad_to=4)
    with pytest.raises(ValueError, match="10 example.*batch_size=64"):
        data.from_arrays(images)
    assert len(_batches(data.from_arrays(images, drop_remainder=False))) == 1


def test_from_arrays_seeded_shuffle_repeats():
    images = np.arange(20, dtype=np.uint8).reshape(20, 1, 1)
    first = _batches(data.from_arrays(images, batch_size=5, seed=3))
    again = _batches(data.from_arrays(images, batch_size=5, seed=3))
    np.testing.assert_array_equal(first, again)


# --- TFDS, through tfds.testing.mock_data (nothing is downloaded) ------------


def test_from_tfds_mnist_with_labels():
    with tfds.testing.mock_data(num_examples=10):
        ds = data.from_tfds("mnist", batch_size=4, with_labels=True, seed=0)
        batches = _batches(ds)
    assert len(batches) == 2  # 10 examples, remainder dropped
    for images, labels in batches:
        _check_images(images, (4, 28, 28, 1))
        assert labels.dtype == np.int32 and labels.shape == (4,)
        assert labels.min() >= 0 and labels.max() <= 9


def test_from_tfds_cifar10_resized_unlabelled():
    with tfds.testing.mock_data(num_examples=6):
        ds = data.from_tfds("cifar10", image_size=16, batch_size=3)
        batches = _batches(ds)
    assert len(batches) == 2
    for element in batches:
        assert len(element) == 1  # (images,)
        _check_images(element[0], (3, 16, 16, 3))


def test_from_tfds_celeb_a_center_crop_resize():
    with tfds.testing.mock_data(num_examples=4):
        ds = data.from_tfds(
            "celeb_a", image_size=64, center_crop=True, random_flip=True, batch_size=2
        )
        batches = _batches(ds)
    assert len(batches) == 2
    for (images,) in batches:
        _check_images(images, (2, 64, 64, 3))


def _fake_faces(self, split, decoders=None, read_config=None, **kwargs):
    """celeb_a-shaped 218x178 faces: 20 white rows above and below, black
    in the central 178x178 square except a white left column."""
    image = np.zeros((218, 178, 3), np.uint8)
    image[:20] = image[-20:] = 255
    image[20:-20, :10] = 255
    return tf.data.Dataset.from_tensor_slices({"image": np.stack([image] * 16)})


def test_from_tfds_center_crop_is_the_central_square():
    with tfds.testing.mock_data(as_dataset_fn=_fake_faces):
        ds = data.from_tfds("celeb_a", center_crop=True, batch_size=8, shuffle=False)
        (images,) = next(iter(ds))
    images = images.numpy()
    _check_images(images, (8, 178, 178, 3))
    assert np.all(images[:, :, :10] == 1.0)  # the white left column
    assert np.all(images[:, :, 10:] == -1.0)  # no white rows: they were cropped


def test_from_tfds_random_flip_mirrors_some_images_and_repeats():
    def flipped(seed):
        with tfds.testing.mock_data(as_dataset_fn=_fake_faces):
            ds = data.from_tfds(
                "celeb_a", center_crop=True, random_flip=True, batch_size=16, seed=seed
            )
            (images,) = next(iter(ds))
        # A mirrored face has its white column on the right.
        return images.numpy()[:, 89, -1, 0] == 1.0

    mask = flipped(seed=7)
    assert 0 < mask.sum() < 16
    np.testing.assert_array_equal(mask, flipped(seed=7))


def test_from_tfds_celeb_a_has_no_labels():
    with tfds.testing.mock_data(num_examples=2):
        with pytest.raises(ValueError, match=r"'celeb_a'.*label_key`='label'"):
            data.from_tfds("celeb_a", image_size=64, with_labels=True)
        with pytest.raises(ValueError, match="label_key`='attributes'"):
            data.from_tfds("celeb_a", with_labels=True, label_key="attributes")


def test_from_tfds_bad_arguments():
    with tfds.testing.mock_data(num_examples=2):
        with pytest.raises(ValueError, match="image_key`='img'"):
            data.from_tfds("mnist", image_key="img")
        with pytest.raises(ValueError, match="image_key`='label'"):
            data.from_tfds("mnist", image_key="label")
        with pytest.raises(ValueError, match="no_such_dataset"):
            data.from_tfds("no_such_dataset")
    for bad in (0, (32,), (32, 0), "64", 64.0, True):
        with pytest.raises(ValueError, match="image_size"):
            data.from_tfds("mnist", image_size=bad)
    with pytest.raises(ValueError, match="batch_size"):
        data.from_tfds("mnist", batch_size=0)


def _fake_sizes(self, split, decoders=None, read_config=None, **kwargs):
    """Images of varying size, (None, None, 3): white central square, black
    margins along the longer side."""

    def images():
        for h, w in ((30, 20), (20, 40), (25, 25), (50, 10)):
            image = np.zeros((h, w, 3), np.uint8)
            s = min(h, w)
            top, left = (h - s) // 2, (w - s) // 2
            image[top : top + s, left : left + s] = 255
            yield {"image": image}

    spec = {"image": tf.TensorSpec((None, None, 3), tf.uint8)}
    return tf.data.Dataset.from_generator(images, output_signature=spec)


def test_from_tfds_variable_size_images():
    with tfds.testing.mock_data(as_dataset_fn=_fake_sizes):
        with pytest.raises(ValueError, match="variable size.*image_size"):
            data.from_tfds("celeb_a", batch_size=2)
        ds = data.from_tfds("celeb_a", image_size=8, center_crop=True, batch_size=2)
        batches = _batches(ds)
    assert [b[0].shape for b in batches] == [(2, 8, 8, 3)] * 2
    # Only the white central squares are left.
    np.testing.assert_allclose(np.concatenate([b[0] for b in batches]), 1.0, atol=1e-6)


def test_from_tfds_too_few_examples_for_one_batch():
    with tfds.testing.mock_data(num_examples=3):
        with pytest.raises(ValueError, match="'mnist'.*3 example.*batch_size=64"):
            data.from_tfds("mnist")
        ds = data.from_tfds("mnist", drop_remainder=False)
        assert [b[0].shape[0] for b in _batches(ds)] == [3]


def test_from_tfds_not_prepared_without_download(tmp_path):
    with pytest.raises(ValueError, match=r"'mnist'.*data_dir=.*tfds build mnist"):
        data.from_tfds("mnist", data_dir=str(tmp_path), download=False)


# --- image folders -----------------------------------------------------------


def _write_png(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    tf.io.write_file(str(path), tf.io.encode_png(image))


def _random_image(rng, h=20, w=30, c=3):
    return rng.integers(0, 256, (h, w, c), dtype=np.uint8)


def test_from_image_folder_flat(tmp_path, caplog):
    rng = np.random.default_rng(0)
    for i in range(5):
        _write_png(tmp_path / f"{i}.png", _random_image(rng))
    _write_png(tmp_path / "nested" / "deeper.png", _random_image(rng))
    (tmp_path / "notes.txt").write_text("not an image")
    with caplog.at_level(logging.WARNING, logger="keras_gans.data"):
        ds = data.from_image_folder(tmp_path, image_size=16, batch_size=4, seed=0)
    assert "skipped 1 file" in caplog.text and "notes.txt" in caplog.text
    batches = _batches(ds)
    assert len(batches) == 1  # 6 images, remainder dropped
    assert len(batches[0]) == 1
    _check_images(batches[0][0], (4, 16, 16, 3))

    ds = data.from_image_folder(
        str(tmp_path), image_size=(8, 12), batch_size=4, drop_remainder=False
    )
    sizes = [b[0].shape for b in _batches(ds)]
    assert sizes == [(4, 8, 12, 3), (2, 8, 12, 3)]
    ds = data.from_image_folder(tmp_path, 8, batch_size=2, color_mode="grayscale")
    assert next(iter(ds))[0].shape == (2, 8, 8, 1)
    with pytest.raises(ValueError, match="6 example.*batch_size=64"):
        data.from_image_folder(tmp_path, 8)  # would yield no batch at all


def test_from_image_folder_pixel_values_and_center_crop(tmp_path):
    # 20x40: white outer quarters, black central 20x20 square.
    image = np.zeros((20, 40, 3), np.uint8)
    image[:, :10] = image[:, 30:] = 255
    _write_png(tmp_path / "a.png", image)
    (plain,) = next(iter(data.from_image_folder(tmp_path, (20, 40), batch_size=1)))
    np.testing.assert_allclose(plain[0], image / 127.5 - 1.0, atol=1e-6)
    (crop,) = next(
        iter(data.from_image_folder(tmp_path, 10, batch_size=1, center_crop=True))
    )
    assert crop.shape == (1, 10, 10, 3)
    np.testing.assert_array_equal(crop, -1.0)


def test_from_image_folder_inferred_labels(tmp_path):
    rng = np.random.default_rng(1)
    for name, n in (("cats", 3), ("dogs", 2)):
        for i in range(n):
            _write_png(tmp_path / name / f"{i}.png", _random_image(rng))
    ds = data.from_image_folder(
        tmp_path, 16, labels="inferred", batch_size=5, shuffle=False
    )
    ((images, labels),) = _batches(ds)
    _check_images(images, (5, 16, 16, 3))
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1])


def test_from_image_folder_errors(tmp_path):
    missing = tmp_path / "missing"
    with pytest.raises(ValueError, match="missing"):
        data.from_image_folder(missing, 16)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("no images here")
    with pytest.raises(ValueError, match="No image files.*empty"):
        data.from_image_folder(empty, 16)
    flat = tmp_path / "flat"
    _write_png(flat / "a.png", np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="class subfolder.*flat"):
        data.from_image_folder(flat, 16, labels="inferred")
    with pytest.raises(ValueError, match="labels='yes'"):
        data.from_image_folder(flat, 16, labels="yes")
    with pytest.raises(ValueError, match="image_size"):
        data.from_image_folder(flat, None)


def test_from_image_folder_rejects_non_image_files_named_as_images(tmp_path):
    _write_png(tmp_path / "good.png", np.zeros((4, 4, 3), np.uint8))
    (tmp_path / "bad.jpg").write_bytes(b"<html>not found</html>")
    with pytest.raises(ValueError, match="bad.jpg"):
        data.from_image_folder(tmp_path, 4)


def test_from_image_folder_follows_symlinked_subfolders(tmp_path):
    """fastai#2270: images in a symlinked subfolder are loaded too."""
    rng = np.random.default_rng(2)
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    for i in range(2):
        _write_png(root / f"{i}.png", _random_image(rng))
        _write_png(elsewhere / f"{i}.png", _random_image(rng))
    os.symlink(elsewhere, root / "linked")
    ds = data.from_image_folder(root, 8, batch_size=1, drop_remainder=False)
    assert sum(len(b[0]) for b in _batches(ds)) == 4
    # Labels from a symlinked class folder too.
    classes = tmp_path / "classes"
    _write_png(classes / "cats" / "0.png", _random_image(rng))
    os.symlink(elsewhere, classes / "dogs")
    ds = data.from_image_folder(
        classes, 8, labels="inferred", batch_size=3, shuffle=False
    )
    ((_, labels),) = _batches(ds)
    np.testing.assert_array_equal(labels, [0, 1, 1])


def test_from_image_folder_refuses_a_symlink_loop(tmp_path):
    rng = np.random.default_rng(3)
    _write_png(tmp_path / "a" / "0.png", _random_image(rng))
    os.symlink(tmp_path, tmp_path / "a" / "back")
    with pytest.raises(ValueError, match="leads back .* a loop"):
        data.from_image_folder(tmp_path, 8, batch_size=1)


# ------------------------------------------------ tf.data's autotuning stall
def test_without_autotune_stall_switches_the_model_off_and_keeps_values():
    ds = tf.data.Dataset.range(5).map(lambda x: x * 2, tf.data.AUTOTUNE).prefetch(2)
    assert ds.options().autotune.enabled is None
    steady = data.without_autotune_stall(ds)
    assert steady.options().autotune.enabled is False
    assert list(steady.as_numpy_iterator()) == [0, 2, 4, 6, 8]


@pytest.mark.parametrize("enabled", [True, False])
def test_without_autotune_stall_keeps_a_choice_the_pipeline_made(enabled):
    options = tf.data.Options()
    options.autotune.enabled = enabled
    ds = tf.data.Dataset.range(3).with_options(options)
    assert data.without_autotune_stall(ds) is ds


def test_every_package_pipeline_ends_without_the_autotune_model(tmp_path):
    from PIL import Image

    from keras_gans.data import pairs, unpaired

    images = np.zeros((4, 8, 8, 1), np.float32)
    (tmp_path / "ab").mkdir()
    for i in range(2):
        ab = np.full((8, 16, 3), 40 * i, np.uint8)
        Image.fromarray(ab).save(tmp_path / "ab" / f"{i}.png")
        for domain in ("trainA", "trainB"):
            (tmp_path / "un" / domain).mkdir(parents=True, exist_ok=True)
            Image.fromarray(ab[:, :8]).save(tmp_path / "un" / domain / f"{i}.png")
    pipelines = [
        data.from_arrays(images, batch_size=2),
        data.digits_dataset(batch_size=8),
        data.from_image_folder(tmp_path / "un" / "trainA", image_size=8, batch_size=1),
        pairs.pix2pix_folder_dataset(
            tmp_path / "ab", image_size=8, jitter=False, batch_size=1
        ),
        unpaired.unpaired_folder_dataset(
            tmp_path / "un", image_size=8, load_size=8, batch_size=1
        ),
    ]
    for ds in pipelines:
        assert ds.options().autotune.enabled is False
