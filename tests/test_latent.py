"""Latent walks and truncation: `keras_gans.latent`, the GIF helper, the
`keras-gans interpolate` verb and the SavedModel's `sample_truncated`."""

import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import DCGAN, ConditionalGAN, cli, export, latent, plotting


def _dcgan():
    return DCGAN(
        image_size=8,
        channels=1,
        latent_dim=4,
        generator_filters=4,
        discriminator_filters=4,
        seed=0,
    )


def _cgan(architecture="conv"):
    return ConditionalGAN(
        latent_dim=4,
        architecture=architecture,
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
    )


def test_slerp_and_linear_paths():
    z0, z1 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    path = latent.interpolate(z0, z1, 5)
    assert path.shape == (5, 2) and path.dtype == np.float32
    np.testing.assert_allclose(path[0], z0, atol=1e-6)
    np.testing.assert_allclose(path[-1], z1, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 1.0, atol=1e-6)
    linear = latent.interpolate(z0, z1, 3, "linear")
    np.testing.assert_allclose(linear[1], [0.5, 0.5])
    # parallel vectors fall back to linear
    np.testing.assert_allclose(latent.interpolate(z0, 2 * z0, 3)[1], [1.5, 0.0])
    with pytest.raises(ValueError, match="method"):
        latent.interpolate(z0, z1, 3, "cubic")
    with pytest.raises(ValueError, match="steps"):
        latent.interpolate(z0, z1, 1)


def test_truncated_noise():
    plain = latent.truncated_noise(2000, 8, 1.0, seed=0)
    assert np.abs(plain).max() > 2.0  # psi = 1 is the plain prior
    np.testing.assert_array_equal(plain, latent.truncated_noise(2000, 8, 1.0, seed=0))
    cut = latent.truncated_noise(2000, 8, 0.7, seed=0)
    assert np.abs(cut).max() <= 2.0 * 0.7 + 1e-6
    assert np.all(latent.truncated_noise(3, 4, 0.0, seed=0) == 0)
    uniform = latent.truncated_noise(100, 4, 0.5, seed=0, distribution="uniform")
    assert np.abs(uniform).max() <= 0.5
    with pytest.raises(ValueError, match="psi"):
        latent.truncated_noise(3, 4, 1.5)


def test_latent_walk_unconditional():
    model = _dcgan()
    images = latent.latent_walk(model, steps=6, seed=1)
    assert images.shape == (6, 8, 8, 1) and images.dtype == np.float32
    assert np.abs(images).max() <= 1.0
    np.testing.assert_array_equal(images, latent.latent_walk(model, steps=6, seed=1))
    ends = latent.truncated_noise(2, 4, 1.0, seed=1, distribution="uniform")
    np.testing.assert_allclose(
        images[0], np.asarray(model.sampling_generator(ends[:1]))[0], atol=1e-6
    )
    with pytest.raises(ValueError, match="unconditional"):
        latent.latent_walk(model, labels=[1, 2])


@pytest.mark.parametrize("architecture", ["conv", "maxout"])
def test_class_walk_blends_one_hot(architecture):
    model = _cgan(architecture)
    soft = latent.soft_label_generator(model.generator)
    assert soft is not None
    z = latent.truncated_noise(2, 4, 1.0, seed=0)
    labels = np.array([3, 8], "int32")
    np.testing.assert_allclose(
        np.asarray(soft([z, np.eye(10, dtype="float32")[labels]])),
        np.asarray(model.generator([z, labels])),
        atol=1e-6,
    )
    images = latent.latent_walk(model, steps=5, labels=[3, 8], seed=2)
    assert images.shape == (5, 28, 28, 1)
    ends = latent.truncated_noise(2, 4, 1.0, seed=2, distribution="uniform")
    np.testing.assert_allclose(
        images[0],
        np.asarray(model.generator([ends[:1], np.array([3], "int32")]))[0],
        atol=1e-5,
    )
    np.testing.assert_allclose(
        images[-1],
        np.asarray(model.generator([ends[:1], np.array([8], "int32")]))[0],
        atol=1e-5,
    )
    # one label: a latent walk at that label
    assert latent.latent_walk(model, steps=4, labels=7).shape == (4, 28, 28, 1)


def test_gif_and_cli(tmp_path):
    frames = np.linspace(-1, 1, 4).reshape(4, 1, 1, 1) * np.ones((4, 8, 8, 1))
    path = plotting.save_gif(frames, tmp_path / "a.gif", scale=2)
    gif = Image.open(path)
    assert gif.n_frames == 4 and gif.size == (16, 16)
    model_path = str(tmp_path / "m.keras")
    _cgan().save(model_path)
    out = str(tmp_path / "walk.gif")
    grid = str(tmp_path / "walk.png")
    argv = ["interpolate", model_path, "--out", out, "--labels", "3,8"]
    argv += ["--steps", "4", "--truncation", "0.7", "--grid", grid]
    assert cli.main(argv) == 0
    assert Image.open(out).n_frames == 4
    assert os.path.isfile(grid)
    assert cli.main(["interpolate", model_path, "--out", out, "--labels", "x"]) == 2
    assert cli.main(["interpolate", model_path, "--out", out, "--labels", "12"]) == 2


def test_sample_truncated_signature(tmp_path):
    model = _cgan()
    path = export.export_generator(model, str(tmp_path / "export"))
    served = tf.saved_model.load(path)
    labels = tf.constant([1, 2, 3], tf.int32)
    seed = tf.constant(5, tf.int64)
    plain = served.signatures["sample"](labels=labels, seed=seed)["images"]
    truncated = served.signatures["sample_truncated"]
    same = truncated(labels=labels, seed=seed, truncation=tf.constant(1.0))
    np.testing.assert_allclose(same["images"], plain, atol=1e-6)
    mean = truncated(labels=labels, seed=seed, truncation=tf.constant(0.0))["images"]
    zeros = model.generator([np.zeros((3, 4), "float32"), labels.numpy()])
    np.testing.assert_allclose(mean, np.asarray(zeros), atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="truncation"):
        truncated(labels=labels, seed=seed, truncation=tf.constant(2.0))
