"""The bad-input battery of the ground floor: every bad input is answered.

Each case is a kind of input users hand to the public entry points (from
public bug reports of GAN and Keras users). Each answers with a
`ValueError` / `FileNotFoundError` naming the field or file at fault, or a
logged skip where asked, never a crash deep inside a graph.
"""

import io
import logging
import os
import pathlib
import tarfile

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import (
    DCGAN,
    ConditionalGAN,
    callbacks,
    data,
    evaluation,
    metrics,
    pairs,
    utils,
)
from keras_gans.export import export_generator
from keras_gans.images import load_image

LATENT = 8


def _save(path, array, fmt="PNG", **kwargs):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, fmt, **kwargs)
    return path


def _rgb(h=12, w=16, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _truncated_jpeg(path, h=32, w=32):
    buffer = io.BytesIO()
    Image.fromarray(_rgb(h, w)).save(buffer, "JPEG", quality=95)
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


def _portrait_jpeg(path):
    """Stored 32 rows x 64 columns, EXIF Orientation 6: displays 64x32."""
    image = np.zeros((32, 64, 3), np.uint8)
    image[:, :32] = 255  # left half of the stored pixels white
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(path, image, "JPEG", exif=exif, quality=95)


# ------------------------------------------------------------ image ranges
@pytest.fixture(scope="module")
def digits():
    images, labels = data.load_digits_sample(subset="test")
    return images[:500], labels[:500]


def test_digit_fd_refuses_zero_one_floats(digits):
    """The handed case: FD 306 instead of 0.20; now a named ValueError."""
    images, _ = digits
    fake = images[250:].astype("float32") / 255.0  # [0, 1]
    with pytest.raises(
        ValueError, match=r"fake.*look like \[0, 1\].*in \[0\.0, 1\.0\]"
    ):
        metrics.digit_frechet_distance(images[:250], fake)
    # The same images in a range it takes give the small real-vs-real figure.
    fd = metrics.digit_frechet_distance(images[:250], fake * 2 - 1)
    assert fd < 5.0


def test_label_accuracy_refuses_zero_one_floats(digits):
    images, labels = digits
    with pytest.raises(ValueError, match=r"look like \[0, 1\]"):
        metrics.label_accuracy(images.astype("float32") / 255.0, labels)
    assert metrics.label_accuracy(images, labels) > 0.9


def test_zero_to_255_floats_are_refused(digits):
    images, _ = digits
    with pytest.raises(ValueError, match=r"must be in \[-1, 1\].*\[0\.0, 255\.0\]"):
        metrics.digit_score(images.astype("float32"))


def test_escape_for_nonnegative_unit_range_batches():
    white = np.ones((4, 28, 28), np.float32)  # all-white [-1, 1] digits ...
    white[:, :, :14] = 0.5  # ... with grey halves: non-negative, not constant
    with pytest.raises(ValueError, match="allow_nonnegative=True"):
        utils.check_unit_range(white)
    assert utils.check_unit_range(white, allow_nonnegative=True).min() == 0.5
    with utils.assume_unit_range():
        assert utils.check_unit_range(white).min() == 0.5
    # A constant batch (all zeros: mid-grey) is valid in either convention.
    assert utils.check_unit_range(np.zeros((4, 28, 28), np.float32)).max() == 0.0
    # A handful of values is too few to judge: accepted as it is.
    assert utils.check_unit_range(np.full((2, 4, 4), 0.5)).max() == 0.5


def test_evaluate_names_real_dataset_with_zero_one_floats(digits):
    images, _ = digits
    with pytest.raises(ValueError, match=r"real_dataset.*look like \[0, 1\]"):
        evaluation.evaluate(
            images[:100], images[:100].astype("float32") / 255.0, num_samples=100
        )
    with pytest.raises(ValueError, match=r"generator_or_model.*look like \[0, 1\]"):
        evaluation.evaluate(
            images[:100].astype("float32") / 255.0, images[:100], num_samples=100
        )


def test_translation_grid_refuses_zero_one_floats(tmp_path):
    x = np.random.default_rng(0).uniform(0, 1, (2, 32, 32, 3)).astype("float32")
    with pytest.raises(ValueError, match=r"inputs.*look like \[0, 1\]"):
        callbacks.TranslationGrid(tmp_path, x, x * 2 - 1)


def test_images_of_the_wrong_rank(digits):
    images, labels = digits
    with pytest.raises(ValueError, match="images.shape"):
        metrics.label_accuracy(images[0], labels[:1])  # one image, no batch axis
    with pytest.raises(ValueError, match="images.shape"):
        data.from_arrays(images[0], batch_size=1)
    with pytest.raises(ValueError, match="images.shape"):
        metrics.inception_preprocess(np.zeros((2, 3, 4, 5, 3), np.uint8))


def test_dataset_smaller_than_the_batch():
    with pytest.raises(ValueError, match="3 example.*batch_size=8"):
        data.from_arrays(np.zeros((3, 8, 8), np.uint8), batch_size=8)


# ---------------------------------------------------------- image folders
def test_empty_folder(tmp_path):
    with pytest.raises(ValueError, match="No image files.*path="):
        data.from_image_folder(tmp_path, 8, batch_size=1)
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="A\\|B images"):
        pairs.pair_files(tmp_path / "a")


def test_folder_with_no_image_of_a_known_type(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "photo.tiff").write_bytes(b"II*\x00")
    with pytest.raises(ValueError, match="No image files"):
        data.from_image_folder(tmp_path, 8, batch_size=1)


def test_text_file_with_an_image_extension(tmp_path):
    _save(tmp_path / "good.png", _rgb())
    (tmp_path / "fake.jpg").write_text("<html>not found</html>")
    with pytest.raises(ValueError, match="fake.jpg.*skip_bad=True"):
        data.from_image_folder(tmp_path, 8, batch_size=1)


def test_truncated_jpeg_is_named_at_load(tmp_path):
    """The handed case: it used to pass and kill `fit` with
    `jpeg::Uncompress failed`, naming no file."""
    for i in range(3):
        _save(tmp_path / f"{i}.jpg", _rgb(seed=i), "JPEG")
    _truncated_jpeg(tmp_path / "cut.jpg")
    with pytest.raises(ValueError, match="cut.jpg"):
        data.from_image_folder(tmp_path, 8, batch_size=1)


def test_truncated_jpeg_is_skipped_with_a_logged_count(tmp_path, caplog):
    for i in range(3):
        _save(tmp_path / f"{i}.jpg", _rgb(seed=i), "JPEG")
    _truncated_jpeg(tmp_path / "cut.jpg")
    with caplog.at_level(logging.WARNING, logger="keras_gans.data"):
        ds = data.from_image_folder(tmp_path, 8, batch_size=1, skip_bad=True)
    assert "skipped 1 file" in caplog.text and "cut.jpg" in caplog.text
    assert sum(1 for _ in ds) == 3  # every good file, iterated to the end


def test_grey_rgb_rgba_mix_works(tmp_path):
    _save(tmp_path / "grey.png", _rgb()[..., 0])
    _save(tmp_path / "rgb.png", _rgb(seed=1))
    _save(
        tmp_path / "rgba.png",
        np.dstack([_rgb(seed=2), np.full((12, 16), 255, np.uint8)]),
    )
    _save(tmp_path / "pal.gif", _rgb(seed=3), "GIF")
    for mode, channels in (("rgb", 3), ("grayscale", 1), ("rgba", 4)):
        ds = data.from_image_folder(
            tmp_path, 8, batch_size=4, color_mode=mode, shuffle=False
        )
        (images,) = next(iter(ds))
        assert images.shape == (4, 8, 8, channels)
        assert (
            -1.0 <= float(tf.reduce_min(images)) <= float(tf.reduce_max(images)) <= 1.0
        )


def test_exif_orientation_in_the_folder_pipeline(tmp_path):
    """A 32x64 JPEG with Orientation 6 is read upright, 64x32, as viewers show it."""
    _portrait_jpeg(tmp_path / "phone.jpg")
    expected = load_image(str(tmp_path / "phone.jpg"))  # PIL exif_transpose
    assert expected.shape == (64, 32, 3)
    (images,) = next(iter(data.from_image_folder(tmp_path, (64, 32), batch_size=1)))
    assert images.shape == (1, 64, 32, 3)
    # Rotated 90 degrees clockwise: the stored white left half is now on top.
    got = (images[0].numpy() + 1.0) * 127.5
    np.testing.assert_allclose(got, expected, atol=2.0)
    assert got[:28].mean() > 250 and got[36:].mean() < 5


# ------------------------------------------------------------ A|B folders
def test_pair_file_of_odd_width(tmp_path):
    _save(tmp_path / "ok.png", _rgb(8, 16))
    _save(tmp_path / "odd.png", _rgb(8, 15))
    with pytest.raises(ValueError, match=r"odd\.png.*odd width 15"):
        pairs.pix2pix_folder_dataset(tmp_path, image_size=8, jitter=False)


def test_corrupt_file_in_a_pair_folder(tmp_path, caplog):
    _save(tmp_path / "ok.jpg", _rgb(32, 64), "JPEG")
    _truncated_jpeg(tmp_path / "cut.jpg", 32, 64)
    with pytest.raises(ValueError, match=r"cut\.jpg.*unreadable"):
        pairs.pix2pix_folder_dataset(tmp_path, image_size=8, jitter=False)
    with caplog.at_level(logging.WARNING, logger="keras_gans.data.pairs"):
        ds = pairs.pix2pix_folder_dataset(
            tmp_path, image_size=8, jitter=False, skip_bad=True
        )
    assert "skipped 1 bad file" in caplog.text
    assert sum(1 for _ in ds) == 1


def test_exif_orientation_of_a_pair(tmp_path):
    """Stored 32x64 with Orientation 6: upright it is 64 rows x 32 columns,
    A the left 16 columns, B the right 16."""
    _portrait_jpeg(tmp_path / "pair.jpg")
    (files,) = [pairs.pair_files(tmp_path)]
    assert len(files) == 1
    a, b = next(
        iter(pairs.pix2pix_folder_dataset(tmp_path, image_size=16, jitter=False))
    )
    # Upright the white stored-left half is the top half of both A and B.
    for half in (a[0].numpy(), b[0].numpy()):
        assert half[:6].mean() > 0.9 and half[10:].mean() < -0.9


def test_archive_member_outside_the_target_is_refused(tmp_path):
    evil = tmp_path / "facades.tar.gz"
    payload = tmp_path / "payload.txt"
    payload.write_text("owned")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="facades/train/ok.txt")
        tar.add(payload, arcname="../../escaped.txt")
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match=r"escaped\.txt.*outside the target"):
        pairs.download_pix2pix_dataset("facades", cache_dir=cache, origin=evil.as_uri())
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not (cache / "datasets" / "facades_extracted").exists()


def test_archive_link_outside_the_target_is_refused(tmp_path):
    evil = tmp_path / "maps.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        link = tarfile.TarInfo("maps/train/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(ValueError, match=r"passwd.*link"):
        pairs.download_pix2pix_dataset(
            "maps", cache_dir=tmp_path / "cache", origin=evil.as_uri()
        )


# ---------------------------------------------------------- weights files
def test_missing_inception_and_vgg_weights_have_one_shape(tmp_path, monkeypatch):
    from keras_gans.models.style.style_vgg import resolve_vgg_weights

    missing = str(tmp_path / "no_such.h5")
    errors = []
    for build in (
        lambda: metrics.InceptionFeatures(weights=missing),
        lambda: resolve_vgg_weights(missing),
    ):
        with pytest.raises(FileNotFoundError) as info:
            build()
        errors.append(str(info.value))
    for message in errors:
        assert "file not found: " + missing in message
        assert message.rstrip().endswith(f"weights={missing!r}")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    for build in (
        lambda: metrics.InceptionFeatures(),
        lambda: resolve_vgg_weights("imagenet"),
    ):
        with pytest.raises(FileNotFoundError, match=r"ImageNet weights not found at"):
            build()


# ---------------------------------------------------------- export, serving
def _dcgan():
    return DCGAN(
        image_size=28,
        channels=1,
        latent_dim=LATENT,
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
    )


def test_export_to_a_bucket_twice_gives_versions_1_and_2(tmp_path, monkeypatch):
    """The handed case: `ram://` stands in for `gs://` and `s3://`."""
    monkeypatch.chdir(tmp_path)
    model = _dcgan()
    base = "ram://exports/dcgan"
    first = export_generator(model, base)
    second = export_generator(model, base)
    assert (first, second) == (base + "/1", base + "/2")
    z = np.zeros((2, LATENT), np.float32)
    for path in (first, second):
        served = tf.saved_model.load(path)
        out = served.signatures["serving_default"](noise=tf.constant(z))["images"]
        assert out.shape == (2, 28, 28, 1)
    assert not os.path.exists("ram:")  # no stray local folder


@pytest.fixture(scope="module")
def served_cgan(tmp_path_factory):
    model = ConditionalGAN(
        num_classes=10,
        latent_dim=LATENT,
        architecture="conv",
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
    )
    path = export_generator(model, str(tmp_path_factory.mktemp("cgan")))
    return tf.saved_model.load(path).signatures["serving_default"]


def test_serving_wrong_latent_size(served_cgan):
    with pytest.raises(tf.errors.InvalidArgumentError, match="`noise`"):
        served_cgan(noise=tf.zeros([2, LATENT + 1]), labels=tf.constant([0, 1]))


def test_serving_wrong_dtype(served_cgan):
    with pytest.raises(tf.errors.InvalidArgumentError, match="float tensor"):
        served_cgan(noise=tf.zeros([2, LATENT], tf.int32), labels=tf.constant([0, 1]))


def test_serving_label_out_of_range(served_cgan):
    with pytest.raises(tf.errors.InvalidArgumentError, match="`labels`"):
        served_cgan(noise=tf.zeros([2, LATENT]), labels=tf.constant([0, 10]))


def test_serving_zero_batch(served_cgan):
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch"):
        served_cgan(noise=tf.zeros([0, LATENT]), labels=tf.zeros([0], tf.int32))


def test_grids_and_curves_go_through_gfile(tmp_path, monkeypatch):
    from keras_gans import plotting

    monkeypatch.chdir(tmp_path)
    path = plotting.save_image_grid(np.zeros((4, 8, 8, 1)), "ram://grids/a.png")
    assert tf.io.gfile.exists(path) and tf.io.gfile.stat(path).length > 0
    assert not [p for p in tf.io.gfile.listdir("ram://grids") if ".tmp" in p]
    assert not os.path.exists("ram:")  # no stray local folder


def test_from_arrays_takes_uint8_or_unit_floats_only():
    images = np.random.default_rng(0).integers(0, 256, (8, 16, 16), dtype=np.uint8)
    (a,) = next(iter(data.from_arrays(images, batch_size=8, shuffle=False)))
    (b,) = next(iter(data.from_arrays(images / 127.5 - 1, batch_size=8, shuffle=False)))
    np.testing.assert_allclose(a, b, atol=1e-6)
    with pytest.raises(ValueError, match=r"look like \[0, 1\]"):
        data.from_arrays(images / 255.0, batch_size=8)
    with pytest.raises(ValueError, match=r"\[0\.0, 255\.0\]"):
        data.from_arrays(images.astype("float32"), batch_size=8)
