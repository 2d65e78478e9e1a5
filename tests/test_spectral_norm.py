"""Spectral normalization (Miyato et al. 2018): the `spectral_norm=True`
option of every discriminator builder and model, the power-iteration
golden value (largest singular value ~1, numpy SVD) and the SNGAN preset."""

import keras
import model_test_case as mtc
import numpy as np
import pytest

from keras_gans import DCGAN, GAN, ConditionalGAN, Pix2Pix, presets
from keras_gans.layers import spectral
from keras_gans.models.cgan.cgan_networks import (
    cgan_conv_discriminator,
    cgan_maxout_discriminator,
)
from keras_gans.models.dcgan.dcgan_networks import dcgan_discriminator
from keras_gans.models.gan.gan_networks import gan_discriminator
from keras_gans.models.pix2pix.pix2pix_discriminator import (
    patch_discriminator,
    receptive_field,
)

SN = keras.layers.SpectralNormalization


def _sn_layers(net):
    return [layer for layer in net.layers if isinstance(layer, SN)]


def _sigma(kernel):
    kernel = np.asarray(kernel)
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def test_golden_largest_singular_value_is_one():
    rng = np.random.default_rng(0)
    layer = spectral(keras.layers.Dense(16, name="d"), True)
    x = rng.normal(size=(4, 32)).astype("float32")
    layer(x)  # build
    kernel = rng.normal(size=(32, 16)).astype("float32") * 3.0
    layer.layer.kernel.assign(kernel)
    assert _sigma(kernel) > 5
    for _ in range(100):  # one power iteration per training call
        layer(x, training=True)
    assert _sigma(layer.layer.kernel) == pytest.approx(1.0, abs=1e-3)
    # conv kernels are reshaped to (-1, filters), as the paper does
    conv = spectral(keras.layers.Conv2D(8, 3, name="c"), True)
    images = rng.normal(size=(2, 8, 8, 4)).astype("float32")
    for _ in range(100):
        conv(images, training=True)
    assert _sigma(conv.layer.kernel) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(
    "build, count",
    [
        (lambda sn: gan_discriminator(8, units=(8,), pieces=2, spectral_norm=sn), 2),
        (lambda sn: dcgan_discriminator(8, 1, 4, 3, spectral_norm=sn), 2),
        (
            lambda sn: cgan_maxout_discriminator(
                8,
                num_classes=3,
                image_units=(8, 2),
                label_units=(4, 2),
                joint_units=(8, 2),
                spectral_norm=sn,
            ),
            4,
        ),
        (
            lambda sn: cgan_conv_discriminator(
                8, num_classes=3, filters=4, spectral_norm=sn
            ),
            2,
        ),
        (lambda sn: patch_discriminator(1, 1, 1, filters=2, spectral_norm=sn), 3),
    ],
    ids=["gan", "dcgan", "cgan_maxout", "cgan_conv", "patch"],
)
def test_builders_wrap_their_layers(build, count):
    assert not _sn_layers(build(False))
    net = build(True)
    assert len(_sn_layers(net)) == count


def test_dcgan_discriminator_drops_batch_norm_with_spectral_norm():
    def norms(net):
        return [
            layer
            for layer in net.layers
            if isinstance(layer, keras.layers.BatchNormalization)
        ]

    assert norms(dcgan_discriminator(16, 1, 4, 3))
    assert not norms(dcgan_discriminator(16, 1, 4, 3, spectral_norm=True))


def test_receptive_field_sees_through_the_wrapper():
    assert receptive_field(patch_discriminator(3, 1, 1, 2, spectral_norm=True)) == 70


def _models():
    return [
        GAN(latent_dim=4, generator_units=(8,), discriminator_units=(8,), pieces=2),
        DCGAN(
            image_size=28,
            channels=1,
            latent_dim=8,
            generator_filters=4,
            discriminator_filters=4,
            kernel_size=3,
        ),
        ConditionalGAN(
            latent_dim=8,
            architecture="conv",
            generator_filters=4,
            discriminator_filters=4,
            kernel_size=3,
        ),
    ]


class TestSpectralNormModels(mtc.ModelTestCase):
    @pytest.mark.parametrize("index", range(3), ids=["gan", "dcgan", "cgan"])
    def test_models_take_spectral_norm(self, index, tmp_path):
        base = _models()[index]
        config = {**base.get_config(), "spectral_norm": True, "seed": 0}
        model = type(base).from_config(config)
        assert model.get_config()["spectral_norm"] is True
        assert _sn_layers(model.discriminator)
        model.compile(loss="hinge")
        # Keras' wrapper writes the normalized kernel back on every training
        # call (the G step's D pass too), so the shared "G step leaves D" check
        # does not apply; a fit step trains and stays finite.
        ds = mtc.digits(with_labels=model.num_classes is not None, steps=2)
        mtc.assert_finite(mtc.fit_logs(model, ds), ["d_loss", "g_loss"])
        for layer in _sn_layers(model.discriminator):
            assert _sigma(layer.layer.kernel) < 1.5
        self.run_model_saving_test(model, tmp_path)
        # configs without the key (older files) build without it
        old = {k: v for k, v in config.items() if k != "spectral_norm"}
        assert type(base).from_config(old).spectral_norm is False


def test_pix2pix_takes_spectral_norm():
    model = Pix2Pix(
        image_size=32,
        input_channels=1,
        channels=1,
        generator_filters=4,
        discriminator_filters=4,
        spectral_norm=True,
    )
    assert model.get_config()["spectral_norm"] is True
    assert _sn_layers(model.discriminator)


def test_sngan_preset_config():
    preset = presets.get("cgan_sngan_digits")
    assert preset["file"] is None
    recipe = preset["recipe"]
    assert recipe["compile"]["loss"] == "hinge"
    assert recipe["compile"]["d_steps"] == 5
    adam = recipe["compile"]["d_optimizer"]
    assert (adam["learning_rate"], adam["beta_1"], adam["beta_2"]) == (2e-4, 0, 0.9)
    model = presets.build("cgan_sngan_digits")
    assert model.spectral_norm and model.conv_head == "projection"
    assert model.d_steps == 5
